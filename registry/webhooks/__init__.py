"""Change events for other systems: signed HTTP deliveries to an organisation's endpoints.

`events.emit_event` records one delivery per subscribed endpoint and hands it to Celery once the
transaction commits; `registry.tasks.deliver_webhook` runs `delivery.deliver`, which checks the
address, signs and sends the payload (`signing`) and decides on retries. Endpoints are written only
through the services in `endpoints` (board only).

Import the submodules, not this package: it re-exports nothing, so that no import runs in a circle.
"""

from celery import shared_task

from ledger.signing import sign_tree_heads


@shared_task
def sign_current_tree_heads() -> int:
    """Sign the heads of the trees that grew since their last signed head (idempotent)."""
    return len(sign_tree_heads(occasion="scheduled"))

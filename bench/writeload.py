"""The write benchmark's clients: N threads that read a use case and write it back, as people do.

    python -m bench.writeload --plan plan.json --out result.json

Run as its own process (like bench.loadgen), so that timing the server does not share an
interpreter with the clients. The plan names the server (loopback only), how long to run and one
entry per client: its session and CSRF cookies, its use cases and how it writes:

- "form": GET the guided form's step (workspace), take its fields, CSRF token and version token,
  change `technical_contact` and POST it (302 = saved, 409 = someone saved in between);
- "api": GET /api/v1/use-cases/<id>/ for its ETag, then PATCH with If-Match and the CSRF header
  (200 = saved, 412 = changed in between);
- "floor": POST the same change to the hand-written SQL of bench.write_floor;
- "jobs": each entry of `jobs` once ({"method", "path", "body", "kind", "expect"}), for the
  workflow's one-shot transitions.

Every write carries a unique token as the new `technical_contact`, and the result lists every
write with what the client had read, so that the benchmark can check the history afterwards.
"""

import argparse
import http.client
import json
import random
import threading
import time
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode


class _FormParser(HTMLParser):
    """The fields of the page's POST form that carries a `version` input."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.textarea: str | None = None
        self.select: str | None = None
        self.select_value: str | None = None
        self.first_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = {
                "action": a.get("action", ""),
                "method": a.get("method", ""),
                "fields": [],
            }
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.current["fields"].append((name, a.get("value", "on")))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.current["fields"].append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = name
            self.current["fields"].append((name, ""))
        elif tag == "select" and name:
            self.select, self.select_value, self.first_value = name, None, None
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.first_value is None:
                self.first_value = value
            if "selected" in a:
                self.select_value = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None and self.current is not None:
            # A browser sends the selected option, or the first one when none is selected.
            value = self.select_value if self.select_value is not None else self.first_value
            self.current["fields"].append((self.select, value or ""))
            self.select = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None and self.current is not None:
            name, value = self.current["fields"][-1]
            # The first newline after <textarea> belongs to the markup.
            self.current["fields"][-1] = (
                name,
                value + (data[1:] if not value and data.startswith("\n") else data),
            )


def step_form(html: str) -> list[tuple[str, str]] | None:
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if any(name == "version" for name, _v in form["fields"]):
            return list(form["fields"])
    return None


class Http:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, dict[str, str], bytes, float]:
        started = time.perf_counter()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # gunicorn's sync workers close the connection after each response.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        elapsed = (time.perf_counter() - started) * 1000
        response_headers = {k.lower(): v for k, v in response.getheaders()}
        if self.conn is not None and (
            response_headers.get("connection", "").lower() == "close" or response.will_close
        ):
            self.conn.close()
            self.conn = None
        return response.status, response_headers, content, elapsed


def _client(
    plan: dict[str, Any],
    index: int,
    spec: dict[str, Any],
    deadline: float,
    out: list[dict[str, Any]],
) -> None:
    rng = random.Random(plan.get("seed", 0) * 1000 + index)  # noqa: S311 - picks records
    http_ = Http(plan["host"], int(plan["port"]))
    base = {
        "Accept-Language": "de",
        "Cookie": f"{spec['cookie']}; csrftoken={spec['csrf']}",
    }
    sequence = 0
    if spec["mode"] == "jobs":
        for job in spec["jobs"]:
            body = json.dumps(job.get("body", {})).encode()
            headers = {**base, "Content-Type": "application/json", "X-CSRFToken": spec["csrf"]}
            if job.get("cookie"):
                # Each job with its own actor's session.
                headers["Cookie"] = f"{job['cookie']}; csrftoken={spec['csrf']}"
            try:
                status, _h, content, ms = http_.request(job["method"], job["path"], headers, body)
            except OSError as exc:
                out.append({"client": index, "kind": job["kind"], "status": 0, "error": str(exc)})
                continue
            done: dict[str, Any] = {
                "client": index,
                "kind": job["kind"],
                "status": status,
                "write_ms": ms,
                "use_case": job.get("use_case"),
                "job": job.get("id"),
            }
            if status not in job.get("expect", [200]):
                done["body"] = content[:400].decode(errors="replace")
            out.append(done)
        return
    while time.monotonic() < deadline:
        use_case = rng.choice(spec["pool"])
        sequence += 1
        token = f"{plan['run']}-{index}-{sequence}"
        record: dict[str, Any] = {
            "client": index,
            "mode": spec["mode"],
            "use_case": use_case,
            "token": token,
            "started": time.time(),
        }
        try:
            if spec["mode"] == "floor":
                body = json.dumps(
                    {"use_case": use_case, "actor": spec["actor"], "token": token, "kind": "edit"}
                ).encode()
                status, _h, content, ms = http_.request(
                    "POST", "/__bench__/write-floor/", {"Content-Type": "application/json"}, body
                )
                record.update(status=status, write_ms=ms, read_ms=0.0)
            elif spec["mode"] == "api":
                path = f"/api/v1/use-cases/{use_case}/"
                status, headers, content, read_ms = http_.request("GET", path, base)
                if status != 200:
                    record.update(
                        status=status,
                        phase="read",
                        read_ms=read_ms,
                        body=content[:300].decode(errors="replace"),
                    )
                    out.append(record)
                    continue
                record["read"] = json.loads(content).get("technical_contact", "")
                body = json.dumps(
                    {"technical_contact": token, "reason": "Kontakt aktualisiert (Lasttest)"}
                ).encode()
                status, _h, content, ms = http_.request(
                    "PATCH",
                    path,
                    {
                        **base,
                        "Content-Type": "application/json",
                        "If-Match": headers["etag"],
                        "X-CSRFToken": spec["csrf"],
                    },
                    body,
                )
                record.update(status=status, write_ms=ms, read_ms=read_ms)
            else:
                path = f"/arbeitsbereich/{use_case}/schritt/{plan['step']}/"
                status, _h, content, read_ms = http_.request("GET", path, base)
                fields = step_form(content.decode()) if status == 200 else None
                if fields is None:
                    record.update(
                        status=status,
                        phase="read",
                        read_ms=read_ms,
                        body=content[:300].decode(errors="replace"),
                    )
                    out.append(record)
                    continue
                record["read"] = dict(fields).get("technical_contact", "")
                fields = [(k, token if k == "technical_contact" else v) for k, v in fields]
                fields.append(("action", "save"))
                status, _h, content, ms = http_.request(
                    "POST",
                    path,
                    {
                        **base,
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Referer": f"http://{plan['host']}:{plan['port']}{path}",
                    },
                    urlencode(fields).encode(),
                )
                record.update(status=status, write_ms=ms, read_ms=read_ms)
        except OSError as exc:
            record.update(status=0, error=f"{type(exc).__name__}: {exc}")
        if record.get("status") not in spec["expect"]:
            record["body"] = content[:400].decode(errors="replace")
        out.append(record)


def run(plan: dict[str, Any]) -> list[dict[str, Any]]:
    if plan["host"] not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("The write load only targets the loopback address.")
    deadline = time.monotonic() + float(plan.get("seconds", 20))
    results: list[list[dict[str, Any]]] = [[] for _ in plan["clients"]]
    threads = [
        threading.Thread(target=_client, args=(plan, i, spec, deadline, results[i]))
        for i, spec in enumerate(plan["clients"])
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    flat = [record for part in results for record in part]
    return [{"elapsed": elapsed}, *flat]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.plan, encoding="utf-8") as source:
        plan = json.load(source)
    records = run(plan)
    with open(args.out, "w", encoding="utf-8") as target:
        json.dump(records, target)


if __name__ == "__main__":
    main()

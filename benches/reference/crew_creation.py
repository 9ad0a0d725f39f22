"""Benchmark CrewAI's own telemetry cost: Telemetry.crew_creation(crew, None).

CrewAI's real telemetry pipeline (its private TracerProvider with its
CommonAttributesSpanProcessor) is kept; only the OTLP exporter and the batch
processor are swapped, *before crewai is imported*, for an in-memory exporter
behind a SimpleSpanProcessor. A socket guard records and refuses every
non-local connection attempt, so nothing can leave the machine.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import statistics
import sys
import time

WARMUP = int(os.environ.get("BENCH_WARMUP", "20"))
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "200"))

# --- 1. Telemetry on, no real credentials ---------------------------------
for var in ("OTEL_SDK_DISABLED", "CREWAI_DISABLE_TELEMETRY", "CREWAI_DISABLE_TRACKING"):
    os.environ.pop(var, None)
os.environ.setdefault("OPENAI_API_KEY", "sk-dummy-not-a-real-key")

# --- 2. Network guard: record and refuse every non-loopback connection ------
network_attempts: list[str] = []
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = str(address[0])
    return host in ("localhost", "::1") or host.startswith("127.")


def _guard_connect(self, address):
    if not _is_local(address):
        network_attempts.append(f"connect {address!r}")
        raise OSError("network blocked by crew_creation.py benchmark")
    return _real_connect(self, address)


def _guard_connect_ex(self, address):
    if not _is_local(address):
        network_attempts.append(f"connect_ex {address!r}")
        raise OSError("network blocked by crew_creation.py benchmark")
    return _real_connect_ex(self, address)


def _guard_getaddrinfo(host, *args, **kwargs):
    h = host.decode() if isinstance(host, bytes) else str(host)
    if not (h in ("localhost", "::1", "None") or h.startswith("127.")):
        network_attempts.append(f"getaddrinfo {h!r}")
        raise socket.gaierror("name resolution blocked by crew_creation.py benchmark")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guard_connect
socket.socket.connect_ex = _guard_connect_ex
socket.getaddrinfo = _guard_getaddrinfo


def _report_late_attempts() -> None:
    # Registered before crewai is imported, so it runs after CrewAI's own
    # atexit flush (atexit is LIFO) and sees anything that flush tried.
    print(f"network attempts by exit: {network_attempts}", file=sys.stderr)


atexit.register(_report_late_attempts)

# --- 3. Route CrewAI's telemetry into an in-memory exporter ----------------
# crewai.telemetry.telemetry does `from crewai_core.telemetry import
# SafeOTLPSpanExporter` and `from opentelemetry.sdk.trace.export import
# BatchSpanProcessor`, and `import crewai` already constructs the Telemetry
# singleton (crewai.events.event_listener's module-level EventListener()).
# So both names are replaced at their source before crewai is imported, and
# restored right after: the OTLP exporter is never created.
from opentelemetry.sdk.trace import export as otel_export  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (  # noqa: E402
    InMemorySpanExporter,
)
import crewai_core.telemetry as core_telemetry  # noqa: E402

memory_exporter = InMemorySpanExporter()
_orig_exporter_cls = core_telemetry.SafeOTLPSpanExporter
_orig_batch_cls = otel_export.BatchSpanProcessor
core_telemetry.SafeOTLPSpanExporter = lambda endpoint, timeout: memory_exporter
otel_export.BatchSpanProcessor = SimpleSpanProcessor
try:
    import crewai  # noqa: E402
    from crewai import LLM, Agent, Crew, Process, Task  # noqa: E402
    from crewai.telemetry import Telemetry  # noqa: E402
    telemetry = Telemetry()  # the singleton, built with the swapped names
finally:
    core_telemetry.SafeOTLPSpanExporter = _orig_exporter_cls
    otel_export.BatchSpanProcessor = _orig_batch_cls

from importlib.metadata import version  # noqa: E402

assert telemetry.ready, "CrewAI telemetry is not ready (disabled?)"
assert telemetry._exporter is memory_exporter, "exporter was not swapped"
processors = telemetry.provider._active_span_processor._span_processors
assert any(
    isinstance(p, SimpleSpanProcessor) and p.span_exporter is memory_exporter
    for p in processors
), processors
assert not any(isinstance(p, _orig_batch_cls) for p in processors), processors
print(
    "provider processors: " + ", ".join(type(p).__name__ for p in processors),
    file=sys.stderr,
)

# --- 4. A crew of 10 agents and 10 tasks -----------------------------------
llm = LLM(model="gpt-4o")
agents = [
    Agent(
        role=f"Role {i}",
        goal=f"Goal {i}",
        backstory=f"Backstory {i}",
        llm=llm,
        tools=[],
        verbose=False,
    )
    for i in range(10)
]
tasks = [
    Task(
        description=f"Task {i} description",
        expected_output=f"Output {i}",
        agent=agents[i],
    )
    for i in range(10)
]
crew = Crew(agents=agents, tasks=tasks, process=Process.sequential, share_crew=False)
assert crew.share_crew is False

pre_existing = len(memory_exporter.get_finished_spans())

# --- 5. Time it -------------------------------------------------------------
for _ in range(WARMUP):
    telemetry.crew_creation(crew, None)

samples: list[int] = []
clock = time.perf_counter_ns
for _ in range(ITERATIONS):
    t0 = clock()
    telemetry.crew_creation(crew, None)
    samples.append(clock() - t0)

# --- 6. Verify what was exported ------------------------------------------
spans = memory_exporter.get_finished_spans()
crew_spans = [s for s in spans if s.name == "Crew Created"]
other = sorted({s.name for s in spans if s.name != "Crew Created"})
one = crew_spans[0]
print("Crew Created attribute keys: " + ", ".join(sorted(one.attributes)), file=sys.stderr)
print(f"other spans exported: {len(spans) - len(crew_spans)} {other}; "
      f"before the loop: {pre_existing}", file=sys.stderr)
print(f"network attempts: {network_attempts}", file=sys.stderr)

expected = {
    "crewai_version", "python_version", "crew_key", "crew_id", "crew_fingerprint",
    "crew_fingerprint_created_at", "crew_process", "crew_memory",
    "crew_inputs_present", "crew_number_of_tasks", "crew_number_of_agents",
    "crew_agents", "crew_tasks", "coding_agent", "runtime_context", "cpu_band",
    "project_id",
}
missing = expected - set(one.attributes)
assert not missing, f"missing attributes: {missing}"
assert "crew_inputs" not in one.attributes and "platform" not in one.attributes
assert one.attributes["crew_number_of_agents"] == 10
assert one.attributes["crew_number_of_tasks"] == 10
assert len(json.loads(one.attributes["crew_agents"])) == 10
assert len(crew_spans) == WARMUP + ITERATIONS, len(crew_spans)
assert not network_attempts, network_attempts

q = statistics.quantiles(samples, n=10, method="inclusive")
print(json.dumps({
    "crewai_version": version("crewai"),
    "iterations": ITERATIONS,
    "median_ns": int(statistics.median(samples)),
    "p10_ns": int(q[0]),
    "p90_ns": int(q[-1]),
    "spans_exported": len(crew_spans),
}))
sys.stdout.flush()

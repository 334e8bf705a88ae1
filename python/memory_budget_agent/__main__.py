"""python3 -m memory_budget_agent app.py [args]   |   python3 -m memory_budget_agent -m module [args]"""

import os
import runpy
import sys

USAGE = """Usage: python3 -m memory_budget_agent app.py [args]
       python3 -m memory_budget_agent -m module [args]      (e.g. -m gunicorn app:app)

Runs the app with the Memory Budget agent: memory_debug.log, memory_debug.jsonl and, with
MEMORY_BUDGET_METRICS_PORT, /metrics. Settings: MEMORY_BUDGET_DIR, MEMORY_BUDGET_MB,
MEMORY_BUDGET_PRESET, MEMORY_BUDGET_INTERVAL_MS, MEMORY_BUDGET_SERVICE, MEMORY_BUDGET_TRACEMALLOC=1.
"""


def _children_find_the_agent():
    """Spawned workers (uvicorn --workers, multiprocessing) start the agent through sitecustomize."""
    here = os.path.dirname(os.path.abspath(__file__))
    extra = [os.path.dirname(here), os.path.join(here, "_autostart")]
    current = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p not in extra]
    os.environ["PYTHONPATH"] = os.pathsep.join(extra + current)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    if argv[0] == "-m" and len(argv) < 2:
        sys.stderr.write("memory_budget_agent: -m needs a module name\n\n" + USAGE)
        return 2
    import memory_budget_agent

    _children_find_the_agent()
    if argv[0] == "-m":
        sys.argv = argv[1:]
        memory_budget_agent.start(service=argv[1])
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        script = argv[0]
        if not os.path.exists(script):
            sys.stderr.write("memory_budget_agent: no such file: %s\n" % script)
            return 2
        sys.argv = argv
        sys.path[0] = os.path.dirname(os.path.abspath(script))
        memory_budget_agent.start(service=os.path.basename(script))
        runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

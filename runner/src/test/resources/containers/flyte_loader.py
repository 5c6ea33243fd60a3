"""How the stand-ins find a task's function as flytekit's default resolver does: "task-module M
task-name F" imported from the Python path, the current folder appended (as flytekit appends it);
without flytekit installed, the modules' "from flytekit import task, workflow, ..." get a stand-in
whose decorators return the function. Outputs are named as flytekit names them: the return
annotation's NamedTuple fields, else o0, o1, ..."""
import importlib
import os
import sys
import types


def _decorator(fn=None, **_):
    return fn if fn is not None else (lambda f: f)


def fake_flytekit():
    try:
        importlib.import_module("flytekit")
        return
    except ImportError:
        pass
    module = types.ModuleType("flytekit")
    module.task = module.workflow = module.dynamic = _decorator
    module.map_task = lambda fn, **_: fn
    module.TaskMetadata = lambda **kw: kw
    module.kwtypes = lambda **kw: kw
    sys.modules["flytekit"] = module


def load(loader):
    if sys.path[-1] != os.getcwd():
        sys.path.append(os.getcwd())
    fake_flytekit()
    module = importlib.import_module(loader[loader.index("task-module") + 1])
    return getattr(module, loader[loader.index("task-name") + 1])


def output_names(fn, result):
    annotation = getattr(fn, "__annotations__", {}).get("return")
    if annotation is None:
        return []
    if hasattr(annotation, "_fields"):
        return list(annotation._fields)
    if isinstance(annotation, tuple):
        return ["o%d" % i for i in range(len(annotation))]
    return ["o0"]


def outputs(fn, result):
    names = output_names(fn, result)
    values = list(result) if len(names) > 1 else [result]
    return dict(zip(names, values))

"""barenn explore: the page's numbers are barenn's numbers, the page stands alone, the CLI.

The browser test drives a headless Chromium over the DevTools protocol (stdlib only,
``--remote-debugging-pipe``) and skips when no Chromium is installed. With
BARENN_SCREENSHOT=path it also saves a PNG of the page (docs/explore.png is made so).
"""

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from barenn import cli, explore
from barenn.activations import ReLU, Softmax, Tanh
from barenn.layers import Dense, Dropout
from barenn.losses import CategoricalCrossEntropy, SoftmaxCrossEntropy
from barenn.network import Network

ROOT = Path(__file__).resolve().parent.parent


def default_run(seed=3, steps=2, lr=0.3):
    net = explore.default_network(seed=seed)
    X, y = explore.sample_batch(net, samples=4, seed=seed)
    return net, X, y, explore.explore_data(net, X, y, steps=steps, learning_rate=lr)


def embedded(html):
    match = re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S)
    assert match, "no embedded data"
    return json.loads(match.group(1))


def resolve(data, ref):
    node = data
    for key in ref.split("."):
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


# --- the numbers ------------------------------------------------------------------------------

def test_embedded_numbers_are_barenns_own():
    net, X, y, data = default_run(steps=3, lr=0.3)
    # The same training, step by step, with barenn's parts used directly.
    d1, d2 = Dense(2, 3, seed=0), Dense(3, 2, seed=0)
    d1.weights, d2.weights = copy.deepcopy(net.layers[0].weights), copy.deepcopy(net.layers[2].weights)
    d1.biases, d2.biases = copy.deepcopy(net.layers[0].biases), copy.deepcopy(net.layers[2].biases)
    tanh, softmax, cce, fused = Tanh(), Softmax(), CategoricalCrossEntropy(), SoftmaxCrossEntropy()
    assert len(data["steps"]) == 3
    for record in data["steps"]:
        fw, bw, up = record["forward"], record["backward"], record["update"]
        z1 = d1.forward(X)
        a1 = tanh.forward(z1)
        z2 = d2.forward(a1)
        a2 = softmax.forward(z2)
        assert fw[0]["w"]["v"] == d1.weights and fw[1]["w"]["v"] == d2.weights
        assert (fw[0]["z"]["v"], fw[0]["a"]["v"], fw[1]["z"]["v"], fw[1]["a"]["v"]) == (z1, a1, z2, a2)
        assert record["loss"]["per_sample"]["v"] == [[v] for v in cce.forward(a2, y)]
        assert record["loss"]["mean"]["v"] == [[cce.calculate(a2, y)]]
        assert bw[1]["da"]["v"] == cce.backward(a2, y)
        dz2 = fused.backward(a2, y)
        assert dz2 == [[(p - (j == t)) / 4 for j, p in enumerate(r)] for r, t in zip(a2, y)]
        d2.backward(dz2)
        dz1 = tanh.backward(d2.dinputs)
        d1.backward(dz1)
        assert bw[1]["dz"]["v"] == dz2 and bw[0]["da"]["v"] == d2.dinputs and bw[0]["dz"]["v"] == dz1
        assert (bw[1]["dw"]["v"], bw[1]["db"]["v"]) == (d2.dweights, d2.dbiases)
        assert (bw[0]["dw"]["v"], bw[0]["db"]["v"]) == (d1.dweights, d1.dbiases)
        for layer, part in ((d1, up[0]), (d2, up[1])):
            for name, grad in (("w", layer.dweights), ("b", layer.dbiases)):
                old = layer.weights if name == "w" else layer.biases
                new = [[v - 0.3 * g for v, g in zip(vr, gr)] for vr, gr in zip(old, grad)]
                assert part[name + "_old"]["v"] == old
                assert part[name + "_step"]["v"] == [[0.3 * g for g in r] for r in grad]
                assert part[name + "_new"]["v"] == new
                setattr(layer, "weights" if name == "w" else "biases", new)
    losses = [s["loss"]["mean"]["v"][0][0] for s in data["steps"]]
    assert losses[-1] < losses[0]


def test_the_network_passed_in_is_not_changed():
    net = explore.default_network(seed=1)
    before = copy.deepcopy(net.layers[0].weights)
    X, y = explore.sample_batch(net, seed=1)
    explore.explore_data(net, X, y, steps=2)
    assert net.layers[0].weights == before


def test_every_number_has_a_formula_ending_in_its_value():
    _, _, _, data = default_run(steps=1)
    step = data["steps"][0]
    quantities = [q for layer in step["forward"] for q in layer.values()]
    quantities += list(step["loss"].values())
    quantities += [q for layer in step["backward"] for q in layer.values()]
    quantities += [q for layer in step["update"] for q in layer.values()]
    for q in quantities:
        assert len(q["f"]) == len(q["v"]) == len(q["rows"])
        for values, formulas in zip(q["v"], q["f"]):
            assert len(values) == len(formulas) == len(q["cols"])
    dw = step["backward"][0]["dw"]
    assert dw["f"][1][2].startswith("dL/dw2,3 = Σ over samples x2·dL/dz3 = ")
    assert explore.fmt(dw["v"][1][2]) in dw["f"][1][2]
    z = step["forward"][1]["z"]
    assert z["f"][0][1].endswith("= " + explore.fmt(z["v"][0][1]))
    dz = step["backward"][1]["dz"]
    assert dz["f"][0][0].startswith("dL/dz = (ŷ − y) / n = ")
    new = step["update"][1]["w_new"]
    assert new["f"][2][1].endswith(explore.fmt(new["v"][2][1]))


def test_relu_sigmoid_and_regression_models_explore_too():
    from barenn.activations import Linear, Sigmoid
    from barenn.losses import BinaryCrossEntropy, MeanSquaredError

    nets = [Network([Dense(2, 4, seed=0), ReLU(), Dense(4, 3, seed=1), Softmax()],
                    loss=CategoricalCrossEntropy()),
            Network([Dense(2, 3, seed=0), Tanh(), Dense(3, 1, seed=1), Sigmoid()],
                    loss=BinaryCrossEntropy()),
            Network([Dense(1, 5, init="xavier", seed=0), Tanh(), Dense(5, 1, seed=1), Linear()],
                    loss=MeanSquaredError())]
    for net in nets:
        X, y = explore.sample_batch(net, samples=3, seed=2)
        data = explore.explore_data(net, X, y, steps=1, learning_rate=0.1)
        assert len(data["frames"]) == 2 * 2 + 2
        assert data["steps"][0]["loss"]["mean"]["v"][0][0] > 0


def test_bad_arguments_name_the_function():
    net, X, y, _ = default_run(steps=1)
    with pytest.raises(ValueError, match=r"explore_data: steps must be"):
        explore.explore_data(net, X, y, steps=0)
    with pytest.raises(TypeError, match=r"explore_data: steps must be a whole number"):
        explore.explore_data(net, X, y, steps="3")
    with pytest.raises(ValueError, match=r"explore_data: learning_rate must be a finite number > 0"):
        explore.explore_data(net, X, y, learning_rate=-1)
    big = Network([Dense(2, 40, seed=0), ReLU(), Dense(40, 2, seed=0), Softmax()],
                  loss=CategoricalCrossEntropy())
    with pytest.raises(ValueError, match=r"202 parameters.*at most 100"):
        explore.explore_data(big, X, y)
    dropout = Network([Dense(2, 3, seed=0), Dropout(0.1), Dense(3, 2, seed=0), Softmax()],
                      loss=CategoricalCrossEntropy())
    with pytest.raises(ValueError, match=r"cannot show layer 1 Dropout"):
        explore.explore_data(dropout, X, y)
    with pytest.raises(TypeError, match=r"explore_data: y must be class indices"):
        explore.explore_data(net, X, [[1, 0]] * 4)
    with pytest.raises(TypeError, match=r"explore_data: network must be a barenn Network"):
        explore.explore_data("net", X, y)


# --- the page -----------------------------------------------------------------------------------

class _Checker(HTMLParser):
    """Fails on a closing tag that does not match the open one (void elements aside)."""

    VOID = {"meta", "br", "img", "input", "hr", "link", "line", "circle", "rect", "path"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}> at {self.getpos()}")


def test_page_is_self_contained_and_well_formed(tmp_path):
    _, _, _, data = default_run(steps=2)
    path = explore.write_page(tmp_path / "page.html", data)
    html = Path(path).read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
    assert "<script src" not in html.lower() and "<link" not in html.lower()
    assert "{{" not in html  # every placeholder filled
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    assert embedded(html) == json.loads(json.dumps(data))
    assert html.count('class="node"') == 2 + 3 + 2
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left over


# --- the command line ---------------------------------------------------------------------------

def test_cli_writes_the_page(tmp_path, capsys):
    out = tmp_path / "page.html"
    assert cli.main(["explore", "--out", str(out), "--steps", "2", "--seed", "5", "--lr", "0.2"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    data = embedded(out.read_text(encoding="utf-8"))
    net = explore.default_network(seed=5)
    X, y = explore.sample_batch(net, seed=5)
    assert data == json.loads(json.dumps(explore.explore_data(net, X, y, steps=2, learning_rate=0.2)))


def test_cli_out_directory_and_saved_model(tmp_path, capsys):
    net = Network([Dense(2, 4, seed=0), ReLU(), Dense(4, 2, seed=1), Softmax()],
                  loss=CategoricalCrossEntropy())
    net.save(tmp_path / "small.json")
    assert cli.main(["explore", "--model", str(tmp_path / "small.json"), "--out", str(tmp_path)]) == 0
    page = tmp_path / "explore-small-seed0-steps3.html"
    assert page.exists()
    assert embedded(page.read_text(encoding="utf-8"))["layers"][0]["n_neurons"] == 4


def test_cli_default_out_is_explore_html_in_the_current_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["explore", "--steps", "1"]) == 0
    assert (tmp_path / "explore.html").exists()


def _one_line_error(capsys, argv, expected):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("barenn: ") and expected in err and "Traceback" not in err


def test_cli_mistakes_are_one_line_and_status_2(tmp_path, capsys):
    big = Network([Dense(2, 40, seed=0), ReLU(), Dense(40, 2, seed=0), Softmax()],
                  loss=CategoricalCrossEntropy())
    big.save(tmp_path / "big.json")
    _one_line_error(capsys, ["explore", "--model", str(tmp_path / "big.json"), "--out", str(tmp_path)],
                    "202 parameters; explore shows every number and takes at most 100")
    _one_line_error(capsys, ["explore", "--model", str(tmp_path / "none.json")], "model file not found")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    _one_line_error(capsys, ["explore", "--model", str(tmp_path / "broken.json")], "not valid JSON")
    _one_line_error(capsys, ["explore", "--steps", "0"], "expected a whole number >= 1")
    _one_line_error(capsys, ["explore", "--steps", "21"], "expected a whole number from 1 to 20")
    _one_line_error(capsys, ["explore", "--lr", "0"], "expected a finite number > 0")
    _one_line_error(capsys, ["explore", "--lr", "fast"], "expected a number")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    _one_line_error(capsys, ["explore", "--out", str(blocker / "page.html")], "cannot write")
    assert not list(tmp_path.glob("**/*.html"))


def test_cli_help_lists_the_options():
    result = subprocess.run([sys.executable, "-m", "barenn", "explore", "--help"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    for option in ("--model", "--steps", "--out", "--seed", "--lr"):
        assert option in result.stdout


def test_cli_subprocess_error_has_no_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "barenn", "explore", "--samples", "x"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


# --- the page in a real browser -----------------------------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 60  # seconds for the whole browser session: the test can never hang


class Chromium:
    """A headless Chromium driven over the DevTools protocol on a pipe.

    The browser reads commands from its fd 3 and writes replies and events to its
    fd 4, each message one JSON object followed by a NUL byte.
    """

    def __init__(self, exe, profile, timeout=TIMEOUT):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def as_fds_3_and_4():  # in the child, before exec
            a, b = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
             "--disable-dev-shm-usage", "--window-size=1200,1000", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=as_fds_3_and_4)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.deadline = time.monotonic() + timeout
        self.buffer, self.events, self.last_id = b"", [], 0

    def _read(self):
        import select

        while b"\0" not in self.buffer:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.from_browser], [], [], remaining)[0]:
                raise TimeoutError("the browser did not answer in time")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed its DevTools pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method, params=None, session=None):
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self.to_browser)
        os.close(self.from_browser)


def _evaluate(browser, session, expression):
    result = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                               "awaitPromise": True}, session)
    if "exceptionDetails" in result:
        raise AssertionError(f"page script failed: {result['exceptionDetails']}")
    return result["result"].get("value")


def _press(browser, session, key, code):
    for kind in ("keyDown", "keyUp"):
        browser.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": code,
                                                "windowsVirtualKeyCode": code_number[key]}, session)


code_number = {"ArrowRight": 39, "ArrowLeft": 37}


def _shown_matches(shown, value):
    number = float(shown)
    if "e" in shown:
        return abs(number - value) <= 0.006 * abs(value)
    return abs(number - value) <= 0.5e-4 + 1e-12


def test_page_in_a_headless_browser(tmp_path):
    exe = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
    if exe is None:
        pytest.skip("no chromium, chromium-browser or google-chrome on PATH: "
                    "the browser test needs one (apt-get install chromium)")
    _, _, _, data = default_run(seed=0, steps=3, lr=0.5)
    page = Path(explore.write_page(tmp_path / "page.html", data))
    data = json.loads(json.dumps(data))
    browser = Chromium(exe, tmp_path / "profile")
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            browser.send(f"{domain}.enable", {}, session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": 1200, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session)
        browser.send("Page.navigate", {"url": page.as_uri()}, session)
        while not _evaluate(browser, session, "document.readyState === 'complete' && "
                            "document.getElementById('title').textContent !== ''"):
            time.sleep(0.05)
        assert _evaluate(browser, session, "document.getElementById('title').textContent") \
            == "Step 1 of 3 · Forward, layer 1"
        # To the backward pass of step 2: screens 1-6 are step 1, then forward 1, forward 2,
        # loss, and the 10th screen is backward through layer 2. Buttons and keys both step.
        for _ in range(5):
            _evaluate(browser, session, "document.getElementById('next').click()")
        for _ in range(5):
            _press(browser, session, "ArrowRight", "ArrowRight")
        _press(browser, session, "ArrowLeft", "ArrowLeft")
        title = _evaluate(browser, session, "document.getElementById('title').textContent")
        assert title == "Step 2 of 3 · Backward, layer 2"
        shown = _evaluate(browser, session, "[...document.querySelectorAll('[data-ref]')]"
                          ".map(e => [e.getAttribute('data-ref'), e.textContent])")
        refs = {ref.rsplit(".v.", 1)[0] for ref, _ in shown}
        assert {f"steps.1.backward.1.{q}" for q in ("da", "dz", "dw", "db")} <= refs
        expected_count = sum(len(resolve(data, f"steps.1.backward.1.{q}")["v"]) *
                             len(resolve(data, f"steps.1.backward.1.{q}")["cols"])
                             for q in ("da", "dz", "dw", "db"))
        assert len([r for r, _ in shown if r.startswith("steps.1.backward.1.")]) >= expected_count
        for ref, text in shown:
            assert _shown_matches(text, resolve(data, ref)), (ref, text, resolve(data, ref))
        # Clicking a number shows the formula Python wrote for it.
        ref = _evaluate(browser, session, "(() => { const b = document.querySelectorAll("
                        "'#tables button.num')[18]; b.click(); return b.getAttribute('data-ref'); })()")
        path, i, j = ref.rsplit(".", 2)
        quantity = resolve(data, path.rsplit(".v", 1)[0])
        formula = _evaluate(browser, session, "document.getElementById('formula').textContent")
        assert formula == (f"{quantity['name']} · {quantity['rows'][int(i)]} · "
                           f"{quantity['cols'][int(j)]}\n{quantity['f'][int(i)][int(j)]}")
        screenshot = os.environ.get("BARENN_SCREENSHOT")
        if screenshot:
            import base64

            height = _evaluate(browser, session, "document.documentElement.scrollHeight")
            browser.send("Emulation.setDeviceMetricsOverride",
                         {"width": 1200, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
            shot = browser.send("Page.captureScreenshot", {"format": "png"}, session)
            Path(screenshot).write_bytes(base64.b64decode(shot["data"]))
        browser.send("Runtime.evaluate", {"expression": "0"}, session)  # collect late events
        errors = [e for e in browser.events
                  if e.get("method") == "Runtime.exceptionThrown"
                  or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
                  or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
        assert errors == []
    finally:
        browser.close()

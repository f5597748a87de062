#!/usr/bin/python3
"""report.html in a real browser (Debian's chromium, headless, from file://).

Plans the bundled Qingdao scenario (zones at 1 ms and 3 ms, a latency surface), then:
  - the file: no URL a browser could fetch (only the SVG namespace), a Content-Security-
    Policy that forbids every request, the targets table with verdicts, the model line;
  - the DOM after the scripts ran (--dump-dom): the map is ready, the zones layer has
    SVG path elements, the legend lists both budgets, the layer switcher is there;
  - the console (--enable-logging): no message at all (an error, or a request that the
    policy blocked, would be one); DNS is mapped to nothing, so no request could leave;
  - a screenshot: not blank (pixel variance), and saved for the README.
Then a plan on a measured latency table ([coverage]: no zones, fibre or geometry) and
`lightcone report` on its directory: the page loads, without console messages, with a
note on its empty map and the placement table.
Exit 77 (skipped) when chromium is not installed (tests/run.sh --with-browser installs it).

usage: report_browser_check.py LIGHTCONE SOURCE_DIR OUT_DIR
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

LC, SRC, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    print("skipped: chromium is not installed (tests/run.sh --with-browser installs it)")
    sys.exit(77)
failures = []


def check(ok, msg):
    if not ok:
        failures.append(msg)
        print("FAIL:", msg, flush=True)


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB/RGBA PNG, with the standard library."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def chromium(args, url):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--enable-logging=stderr", "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND",
           "--window-size=1400,1000", "--virtual-time-budget=10000"] + args + [url]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=180)


os.makedirs(OUT, exist_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    run = os.path.join(tmp, "run")
    r = subprocess.run([LC, "plan", os.path.join(SRC, "data", "qingdao.toml"), "--out", run],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("plan failed: " + r.stderr)
    html_path = os.path.join(run, "report.html")
    html = open(html_path, encoding="utf-8").read()
    urls = set(re.findall(r"https?://[^\s\"'<>)]*", html))
    check(urls <= {"http://www.w3.org/2000/svg"}, f"URLs in report.html: {sorted(urls)}")
    check("default-src 'none'" in html, "no Content-Security-Policy")
    check("Latency model: round trip" in html, "no model line")
    check(html.count('class="pass"') == 5, "the targets table does not show 5 passing targets")
    check(os.path.getsize(html_path) < 20e6, f"report.html is {os.path.getsize(html_path)} bytes")

    url = "file://" + html_path
    d = chromium(["--dump-dom"], url)
    dom = d.stdout
    check('data-lightcone-ready="1"' in dom, "the map script did not finish")
    zones = len(re.findall(r'<path[^>]*class="lc-zone', dom))
    check(zones >= 2, f"{zones} zone paths in the DOM (want one per budget)")
    check("within 1 ms" in dom and "within 3 ms" in dom, "the legend does not list both budgets")
    check("leaflet-control-layers" in dom, "no layer switcher")
    check("leaflet-image-layer" in dom, "no surface overlay")
    console = [l for l in d.stderr.splitlines() if ":CONSOLE" in l]
    check(not console, "console messages:\n" + "\n".join(console))

    shot = os.path.join(OUT, "report.png")
    s = chromium(["--screenshot=" + shot], url)
    check(os.path.isfile(shot), "no screenshot: " + s.stderr[-500:])
    if os.path.isfile(shot):
        w, h, bpp, rows = png_pixels(shot)
        sample = [row[i] for row in rows[::7] for i in range(0, w * bpp, 7 * bpp)]
        mean = sum(sample) / len(sample)
        var = sum((v - mean) ** 2 for v in sample) / len(sample)
        print(f"screenshot {w}x{h}: red-channel variance {var:.0f} over {len(sample)} samples")
        check(var > 200, f"the screenshot looks blank (variance {var:.0f})")
        distinct = len(set(zip(*(iter([row[i:i + 3] for row in rows[::11] for i in range(0, w * bpp, 11 * bpp)]),))))
        check(distinct > 50, f"only {distinct} distinct colours in the screenshot")
    print(f"report.html: {os.path.getsize(html_path)} bytes, {zones} zone paths; screenshot {shot}")

    # A plan on a measured latency table ([coverage]): no zones, no fibre, no geometry at
    # all; `lightcone report` on its directory. The page must still load without a message.
    with open(os.path.join(tmp, "coverage.csv"), "w") as f:
        f.write("demand_id,site_id,latency_us\nd1,a,600\nd1,b,900\nd2,b,900\nd3,c,400\n")
    with open(os.path.join(tmp, "measured.toml"), "w") as f:
        f.write('name = "measured"\n[coverage]\npath = "coverage.csv"\n[model]\nmetric = "rtt"\n'
                '[placement]\nproblem = "lscp"\nbudget = "1ms"\n'
                '[[target]]\nname = "all"\nkind = "demand_share"\nbudget = "1ms"\nmin_share = 0.99\n')
    measured = os.path.join(tmp, "measured")
    r = subprocess.run([LC, "plan", os.path.join(tmp, "measured.toml"), "--out", measured],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(r.returncode == 0, "plan with [coverage] failed: " + r.stderr)
    again = os.path.join(tmp, "again.html")
    r = subprocess.run([LC, "report", measured, "--out", again], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(r.returncode == 0, "report on a [coverage] run failed: " + r.stderr)
    if os.path.isfile(again):
        d = chromium(["--dump-dom"], "file://" + again)
        check('data-lightcone-ready="1"' in d.stdout, "[coverage] run: the map script did not finish")
        check('id="no-map"' in d.stdout and 'id="placement"' in d.stdout,
              "[coverage] run: no note on the empty map, or no placement table")
        check(d.stdout.count('class="pass"') == 1, "[coverage] run: the targets table does not show its passing target")
        console = [l for l in d.stderr.splitlines() if ":CONSOLE" in l]
        check(not console, "[coverage] run: console messages:\n" + "\n".join(console))

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("ok")

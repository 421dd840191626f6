#!/usr/bin/python3
"""QtWebKit 5.212 (AppleWebKit/602.1, the TV engines of 2016-17) driven over stdin/stdout.

Run under xvfb-run by test/browser/harness/qtwebkit.ts. One JSON command per line on stdin, one
JSON answer per line on stdout ({"id": n, "ok": true, "value": ...} or {"id": n, "ok": false,
"error": "..."}); a line {"event": "ready"} comes first.

Commands: navigate {url, init} (init: a script run before the page's own scripts, until the next navigate), eval {script} (a function body; its return value comes back as JSON),
key {name, times}, screenshot {path} (PNG of the view), console {} (messages since the last call),
quit {}.
"""
import json
import os
import sys
import tempfile
import time

from PyQt5.QtCore import QEvent, QEventLoop, QSocketNotifier, Qt, QTimer, QUrl
from PyQt5.QtGui import QImage, QKeyEvent, QPainter
from PyQt5.QtWebKit import QWebSettings
from PyQt5.QtWebKitWidgets import QWebPage, QWebView
from PyQt5.QtWidgets import QApplication

KEYS = {
    'Up': Qt.Key_Up, 'Down': Qt.Key_Down, 'Left': Qt.Key_Left, 'Right': Qt.Key_Right,
    'Enter': Qt.Key_Return, 'Back': Qt.Key_Backspace, 'Menu': Qt.Key_Escape,
    'PageUp': Qt.Key_PageUp, 'PageDown': Qt.Key_PageDown,
}

# Installed before any page script: uncaught errors (and rejections core-js's Promise reports)
# reach the console with their place.
ERROR_HOOK = """
window.addEventListener('error', function (e) {
  console.error('pageerror: ' + e.message + ' at ' + e.filename + ':' + e.lineno + ':' + e.colno);
});
(function () {
  var error = console.error;
  console.error = function () {
    var parts = [];
    for (var i = 0; i < arguments.length; i++) {
      var a = arguments[i];
      parts.push(a && a.stack ? a + ' ' + a.stack : String(a));
    }
    error.call(console, parts.join(' '));
  };
})();
window.addEventListener('unhandledrejection', function (e) {
  var r = e.reason;
  console.error('pageerror: unhandled rejection: ' + (r && (r.stack ? r + ' ' + r.stack : r.message) || r));
});
"""


class Page(QWebPage):
    def __init__(self, messages):
        super().__init__()
        self.messages = messages

    def javaScriptConsoleMessage(self, message, line, source):
        self.messages.append({'text': message, 'line': line, 'source': source, 'at': time.time()})
        if os.environ.get('QTWEBKIT_ECHO'):
            sys.stderr.write('console %.3f: %s (%s:%s)\n' % (time.time(), message, source, line))
            sys.stderr.flush()

    def userAgentForUrl(self, url):
        # The engine's own UA without the driver's script name in it.
        return super().userAgentForUrl(url).replace(' driver.py', '')


class Driver:
    def __init__(self, width, height):
        self.messages = []
        settings = QWebSettings.globalSettings()
        storage = tempfile.mkdtemp(prefix='miitee-qtwebkit-')
        # QTWEBKIT_WEBGL=0: an engine without WebGL (many TVs of that generation lack it in the browser).
        settings.setAttribute(QWebSettings.WebGLEnabled, os.environ.get('QTWEBKIT_WEBGL', '1') != '0')
        for attr in (QWebSettings.LocalStorageEnabled, QWebSettings.JavascriptEnabled,
                     QWebSettings.AcceleratedCompositingEnabled, QWebSettings.OfflineStorageDatabaseEnabled):
            settings.setAttribute(attr, True)
        settings.setLocalStoragePath(storage)
        settings.setOfflineStoragePath(storage)
        self.view = QWebView()
        self.page = Page(self.messages)
        self.view.setPage(self.page)
        self.view.resize(width, height)
        self.page.setViewportSize(self.view.size())
        frame = self.page.mainFrame()
        frame.setScrollBarPolicy(Qt.Vertical, Qt.ScrollBarAlwaysOff)
        frame.setScrollBarPolicy(Qt.Horizontal, Qt.ScrollBarAlwaysOff)
        self.init_script = ''
        frame.javaScriptWindowObjectCleared.connect(self.window_cleared)
        self.view.show()

    def window_cleared(self):
        frame = self.page.mainFrame()
        frame.evaluateJavaScript(ERROR_HOOK)
        if self.init_script:
            frame.evaluateJavaScript(self.init_script)

    def navigate(self, url, init='', timeout_ms=30000):
        """Returns once the page has loaded (its load event), or after timeout_ms."""
        self.init_script = init
        loop = QEventLoop()
        result = {'ok': None}

        def finished(ok):
            result['ok'] = ok
            loop.quit()
        self.page.mainFrame().loadFinished.connect(finished)
        QTimer.singleShot(timeout_ms, loop.quit)
        self.page.mainFrame().load(QUrl(url))
        loop.exec_()
        self.page.mainFrame().loadFinished.disconnect(finished)
        if result['ok'] is None:
            raise RuntimeError('%s did not finish loading in %d ms' % (url, timeout_ms))
        return result['ok']

    def frames(self, count=3, timeout_ms=5000):
        """Waits for `count` animation frames of the page (what it drew is then on screen)."""
        self.page.mainFrame().evaluateJavaScript(
            'window.__qtFrames = 0; (function tick() { if (++window.__qtFrames < %d) requestAnimationFrame(tick) })()' % (count + 1))
        end = time.time() + timeout_ms / 1000.0
        while time.time() < end:
            QApplication.processEvents(QEventLoop.AllEvents, 20)
            if self.page.mainFrame().evaluateJavaScript('window.__qtFrames') >= count + 1:
                return True
        raise RuntimeError('no %d animation frames in %d ms' % (count, timeout_ms))

    def eval(self, script):
        wrapped = '(function () { try { return JSON.stringify({ v: (function () {\n%s\n})() }); } ' \
                  'catch (e) { return JSON.stringify({ e: String(e && (e.stack || e.message) || e) }); } })()' % script
        out = self.page.mainFrame().evaluateJavaScript(wrapped)
        if not isinstance(out, str):
            raise RuntimeError('eval gave no result (page not loaded?)')
        parsed = json.loads(out)
        if 'e' in parsed:
            raise RuntimeError('in page: ' + parsed['e'])
        return parsed.get('v')

    def key(self, name, times=1):
        code = KEYS[name]
        for _ in range(times):
            for kind in (QEvent.KeyPress, QEvent.KeyRelease):
                QApplication.sendEvent(self.view, QKeyEvent(kind, code, Qt.NoModifier))
                QApplication.processEvents()
        return True

    def screenshot(self, path):
        self.frames()
        image = QImage(self.view.size(), QImage.Format_RGB32)
        painter = QPainter(image)
        self.view.render(painter)
        painter.end()
        if not image.save(path, 'PNG'):
            raise RuntimeError('could not write ' + path)
        return {'path': path, 'width': image.width(), 'height': image.height()}

    def console(self):
        out = list(self.messages)
        del self.messages[:]
        return out


def main():
    width = int(os.environ.get('QTWEBKIT_WIDTH', '1920'))
    height = int(os.environ.get('QTWEBKIT_HEIGHT', '1080'))
    app = QApplication(sys.argv[:1])
    driver = Driver(width, height)
    buffer = b''

    def answer(obj):
        sys.stdout.write(json.dumps(obj) + '\n')
        sys.stdout.flush()

    def on_input():
        # A command may run an event loop of its own (navigate): no other command starts meanwhile.
        notifier.setEnabled(False)
        try:
            read_commands()
        finally:
            notifier.setEnabled(True)

    def read_commands():
        nonlocal buffer
        chunk = os.read(0, 65536)
        if not chunk:
            app.quit()
            return
        buffer += chunk
        while b'\n' in buffer:
            line, buffer = buffer.split(b'\n', 1)
            if not line.strip():
                continue
            cmd = json.loads(line)
            op = cmd.get('op')
            try:
                if op == 'quit':
                    answer({'id': cmd.get('id'), 'ok': True, 'value': True})
                    app.quit()
                    return
                args = cmd.get('args') or {}
                value = getattr(driver, op)(**args)
                answer({'id': cmd.get('id'), 'ok': True, 'value': value})
            except Exception as e:  # the test reads the message
                answer({'id': cmd.get('id'), 'ok': False, 'error': '%s: %s' % (type(e).__name__, e)})

    notifier = QSocketNotifier(0, QSocketNotifier.Read)
    notifier.activated.connect(on_input)
    answer({'event': 'ready', 'userAgent': driver.page.userAgentForUrl(QUrl('http://localhost/'))})
    sys.exit(app.exec_())


if __name__ == '__main__':
    main()

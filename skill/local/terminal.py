"""The terminal of `talk` on a TTY: a `you> ` prompt that stays at the bottom, with the live line under it
(skill.local.live), while replies print above.

prompt_toolkit draws both. Its prompt runs as one long-lived Application on the input thread (typing must cut in
while the main thread speaks and waits), and the main thread's text goes above it through run_in_terminal,
waiting until it is written: prompt_toolkit's own patch_stdout queues writes from other threads and can print
them out of order when a prompt restarts, which a transcript cannot afford. Off a TTY none of this is used.
"""

from __future__ import annotations

import _thread
import asyncio
import contextvars
import queue
import threading
from typing import Any

from prompt_toolkit.application import Application, run_in_terminal
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.layout import BufferControl, FormattedTextControl, HSplit, Layout, Window
from prompt_toolkit.layout.processors import BeforeInput
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style

from skill.local.live import LiveStatus

PROMPT = "you> "
REFRESH_SECONDS = 0.25  # the countdown's redraw: often enough to tick every second
WRITE_TIMEOUT_SECONDS = 5.0
STYLE = Style.from_dict({"status": "reverse", "status.where": "bold reverse", "status.count": "reverse"})


class LiveTerminal:
    """Typed lines for the runner (skill.local.talk.Lines), the prompt and the live line, and `stream`, where the
    runner's transcript writes. `input`/`output` default to the process's terminal; tests give prompt_toolkit's
    pipe input and an output writing to memory."""

    def __init__(self, interrupt: threading.Event, status: LiveStatus, input: Input | None = None,
                 output: Output | None = None):
        self._interrupt = interrupt
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._buffer = Buffer(multiline=False, accept_handler=self._accept)
        keys = KeyBindings()
        keys.add("c-d")(self._end_of_input)
        keys.add("c-c")(lambda event: _thread.interrupt_main())  # as Ctrl-C does at a plain prompt
        layout = Layout(HSplit([
            Window(BufferControl(self._buffer, input_processors=[BeforeInput(PROMPT)]), height=1),
            Window(FormattedTextControl(status.fragments), height=1, style="class:status"),
        ]))
        self._app: Application[None] = Application(layout=layout, key_bindings=keys, style=STYLE, input=input,
                                                   output=output, refresh_interval=REFRESH_SECONDS,
                                                   erase_when_done=True)
        self._started = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._context: contextvars.Context | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="spine-coach-terminal")
        self.stream = _Above(self)

    def start(self) -> LiveTerminal:
        self._thread.start()
        self._started.wait(WRITE_TIMEOUT_SECONDS)
        return self

    def close(self) -> None:
        """Erase the prompt and the line; later text is written plainly."""
        loop = self._loop
        if loop is not None and self._app.is_running:
            loop.call_soon_threadsafe(self._exit)
        self._thread.join(WRITE_TIMEOUT_SECONDS)

    # skill.local.talk.Lines
    def next(self, timeout: float | None) -> str | None:
        return self._lines.get(timeout=timeout)

    def has_waiting_line(self) -> bool:
        with self._lines.mutex:
            return any(line is not None for line in self._lines.queue)

    def ready(self) -> None:
        """The prompt is always there."""

    def write(self, text: str) -> None:
        """`text` above the prompt, written before this returns, so lines keep their order."""
        loop = self._loop
        if loop is None or not self._app.is_running:
            self._write_now(text)
            return
        done = threading.Event()
        loop.call_soon_threadsafe(lambda: asyncio.ensure_future(self._above(text, done)), context=self._context)
        done.wait(WRITE_TIMEOUT_SECONDS)

    def _run(self) -> None:
        def running() -> None:
            self._loop = asyncio.get_running_loop()
            self._context = contextvars.copy_context()
            self._started.set()

        try:
            self._app.run(pre_run=running, handle_sigint=False)
        finally:
            self._started.set()
            self._lines.put(None)

    def _accept(self, buffer: Buffer) -> bool:
        line = buffer.text.strip()
        if line:
            # As LineReader: interrupt first, so the flag is never left set for the reply to the line itself.
            self._interrupt.set()
            self._lines.put(line)
            run_in_terminal(lambda: self._write_now(f"{PROMPT}{line}\n"), in_executor=False)
        return False  # clear the prompt for the next line

    def _end_of_input(self, event: Any) -> None:
        if not self._buffer.text:
            self._exit()

    def _exit(self) -> None:
        if self._app.is_running and not self._app.future.done():
            self._app.exit()

    async def _above(self, text: str, done: threading.Event) -> None:
        try:
            await run_in_terminal(lambda: self._write_now(text), in_executor=False)
        finally:
            done.set()

    def _write_now(self, text: str) -> None:
        output = self._app.output
        output.write_raw(text.replace("\n", "\r\n"))
        output.flush()


class _Above:
    """A text stream for the transcript: whole lines go above the prompt."""

    def __init__(self, terminal: LiveTerminal):
        self._terminal = terminal
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        if "\n" in self._pending:
            whole, self._pending = self._pending.rsplit("\n", 1)
            self._terminal.write(whole + "\n")
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True

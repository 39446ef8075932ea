"""A text progress bar for the long steps (training epochs, example building), shared by every command."""
import sys


class Progress:
    """Redrawn in place on stderr when it is a terminal; in a log file, one line per quarter through ``log``."""

    def __init__(self, total, label, log, width=30):
        self.total, self.label, self.log, self.width = max(1, total), label, log, width
        self.tty = sys.stderr.isatty()
        self.next_mark = 0.25

    def update(self, done, extra=""):
        f = min(1.0, done / self.total)
        if self.tty:
            n = int(f * self.width)
            sys.stderr.write("\r%s [%s%s] %3d%% %s" % (self.label, "#" * n, "." * (self.width - n), f * 100, extra))
            sys.stderr.flush()
        elif f >= self.next_mark:
            self.log("%s %3d%% %s" % (self.label, f * 100, extra))
            while self.next_mark <= f:
                self.next_mark += 0.25

    def close(self):
        if self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()

"""What every peer benchmark prints: a caption naming the CPU (lscpu's model name) above each
table, and tables printed row by row as they are measured, as aligned text or Markdown."""
import sys
import time

from lowbit_tools import cpu_model, machine


def caption(title):
    return f"{title}; {machine()}; {time.strftime('%Y-%m-%d %H:%M %Z')}"


class Table:
    def __init__(self, title, columns, markdown=False, text=(0,), widths=None):
        """columns: headers; the columns at the indices in `text` are left-aligned text, the
        others numbers; widths: {index: text width} where 8 is too narrow (default {0: 34})."""
        self.markdown, self.text = markdown, text
        widths = {0: 34} if widths is None else widths
        self.widths = [max(len(c), widths.get(i, 8)) for i, c in enumerate(columns)]
        print(caption(title))
        if markdown:
            print()
            print("| " + " | ".join(columns) + " |")
            print("|" + "|".join("---" if i in text else "---:"
                                 for i in range(len(columns))) + "|")
        else:
            line = self._text(columns)
            print(line)
            print("-" * len(line))
        sys.stdout.flush()

    def _text(self, cells):
        return " ".join(c.ljust(w) if i in self.text else c.rjust(w)
                        for i, (c, w) in enumerate(zip(cells, self.widths))).rstrip()

    def row(self, *cells):
        cells = [str(c) for c in cells]
        print("| " + " | ".join(cells) + " |" if self.markdown else self._text(cells), flush=True)

    def note(self, text):
        """A line under the table, naming the CPU again (sums and verdicts are measurements too)."""
        print(f"\n{text} ({cpu_model()})", flush=True)

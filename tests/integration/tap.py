# SPDX-License-Identifier: GPL-2.0-or-later
"""TAP output for the Python integration tests: one line a check, the detail of a failure as comments."""


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, cond, name, detail=""):
        self.n += 1
        if cond:
            print(f"ok {self.n} {name}")
        else:
            self.failed += 1
            print(f"not ok {self.n} {name}")
            for line in str(detail).splitlines():
                print(f"# {line}")

// --verbose for the commands that call providers: while a CallPrinter lives, every HTTP
// attempt of every seat (providers/call_log.hpp) is printed on the given stream as one
// "roundtable: http ..." line (-v), with its request and response bodies under it (-vv).
//
// Thread-safe: lines from the seats' threads are written whole, one at a time.
#pragma once

#include <memory>
#include <mutex>
#include <ostream>

namespace roundtable::commands {

class CallPrinter {
public:
    // Starts printing the call log on `err` at `level` (0: nothing, 1: lines, 2: bodies too);
    // never fails.
    CallPrinter(std::ostream& err, int level);
    CallPrinter(const CallPrinter&) = delete;
    CallPrinter& operator=(const CallPrinter&) = delete;
    // Stops printing; never fails.
    ~CallPrinter();

private:
    bool m_active = false;
};

} // namespace roundtable::commands

// Errors that end a command, and the exit codes of DESIGN §6.
//
// Leaf functions return values (std::expected) for failures the caller can act
// on, such as a seat's failed call. What ends the program -- a bad flag, an
// unreadable input, a broken config, a panel below quorum -- is thrown as an
// Error carrying its exit code; app/main.cpp catches it once and prints
// "roundtable: error: <message>".
#pragma once

#include <stdexcept>
#include <string>

namespace roundtable {

enum class Exit : int {
    ok = 0,
    policy = 1, // a CI policy (--fail-on, --max-ungrounded) matched
    usage = 2,  // usage error or unreadable / empty / invalid input
    quorum = 3, // providers failed: below quorum
    config = 4, // configuration error
    interrupted = 130,
};

class Error : public std::runtime_error {
public:
    Error(Exit code, const std::string& message) : std::runtime_error(message), m_code(code) {}
    Exit code() const noexcept { return m_code; }

private:
    Exit m_code;
};

} // namespace roundtable

#include <roundtable/commands/verbose.hpp>
#include <roundtable/providers/call_log.hpp>

namespace roundtable::commands {

CallPrinter::CallPrinter(std::ostream& err, int level) : m_active(level > 0) {
    if (!m_active) {
        return;
    }
    auto mutex = std::make_shared<std::mutex>();
    providers::set_call_sink(
        [&err, mutex](const providers::HttpCall& call) {
            const std::string line = "roundtable: " + providers::describe_call(call) + "\n";
            std::lock_guard lock(*mutex);
            err << line << std::flush;
        },
        level > 1);
}

CallPrinter::~CallPrinter() {
    if (m_active) {
        providers::set_call_sink(nullptr, false);
    }
}

} // namespace roundtable::commands

#include <algorithm>
#include <fmt/format.h>
#include <roundtable/commands/progress.hpp>
#include <roundtable/util/error.hpp>

namespace roundtable::commands {

namespace {

using panel::SeatState;

std::string seconds(std::chrono::milliseconds duration) {
    return fmt::format("{:.1f} s", static_cast<double>(duration.count()) / 1000.0);
}

const char* colour_of(SeatState state) {
    switch (state) {
    case SeatState::done:
        return "\x1b[32m";
    case SeatState::failed:
        return "\x1b[31m";
    case SeatState::retrying:
    case SeatState::repaired:
        return "\x1b[33m";
    case SeatState::waiting:
    case SeatState::answering:
        break;
    }
    return "";
}

} // namespace

ProgressMode progress_mode(const std::string& flag, bool stderr_is_tty, bool quiet, int verbose) {
    if (flag != "auto" && flag != "plain" && flag != "off") {
        throw Error(Exit::usage,
                    fmt::format("--progress: expected auto, plain or off (got '{}')", flag));
    }
    if (quiet || flag == "off") {
        return ProgressMode::off;
    }
    if (flag == "plain" || verbose > 0) {
        return ProgressMode::plain; // --verbose's lines would break a redrawn block
    }
    return stderr_is_tty ? ProgressMode::live : ProgressMode::off;
}

std::string describe_state(const panel::SeatEvent& e, std::chrono::milliseconds elapsed) {
    switch (e.state) {
    case SeatState::waiting:
        return "waiting";
    case SeatState::answering:
        return fmt::format("answering, {}", seconds(elapsed));
    case SeatState::retrying:
        return fmt::format("retrying after {}, waiting {}",
                           e.status != 0 ? fmt::format("HTTP {}", e.status) : "no response",
                           seconds(e.wait));
    case SeatState::repaired:
        return fmt::format("repairing an invalid reply, {}", seconds(elapsed));
    case SeatState::done:
        return fmt::format("done, {}/{} tokens, {}", e.input_tokens, e.output_tokens,
                           seconds(elapsed));
    case SeatState::failed:
        return fmt::format("failed: {}", e.reason);
    }
    return "";
}

ProgressDisplay::ProgressDisplay(std::ostream& err, ProgressMode mode, bool color)
    : m_err(err), m_mode(mode), m_color(color) {
    if (m_mode == ProgressMode::live) {
        m_ticker = std::thread([this] { tick(); });
    }
}

ProgressDisplay::~ProgressDisplay() {
    clear();
    if (m_ticker.joinable()) {
        m_ticker.join();
    }
}

std::string ProgressDisplay::describe(const Line& line, bool live) const {
    const panel::SeatEvent& e = line.event;
    auto elapsed = e.elapsed;
    if (live && (e.state == SeatState::answering || e.state == SeatState::repaired)) {
        elapsed += std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - line.since);
    }
    const std::string state = describe_state(e, elapsed);
    const std::string round = e.round.empty() ? "-" : e.round;
    if (m_color && live) {
        const char* colour = colour_of(e.state);
        return fmt::format("  {:<8} {:<24} {:<8} {}{}{}", e.seat, e.model, round, colour, state,
                           *colour != '\0' ? "\x1b[0m" : "");
    }
    return fmt::format("  {:<8} {:<24} {:<8} {}", e.seat, e.model, round, state);
}

void ProgressDisplay::on_event(const panel::SeatEvent& event) {
    if (m_mode == ProgressMode::off) {
        return;
    }
    std::lock_guard lock(m_mutex);
    if (m_stopped) {
        return;
    }
    auto found = std::find_if(m_lines.begin(), m_lines.end(),
                              [&](const Line& l) { return l.event.seat == event.seat; });
    Line line{event, std::chrono::steady_clock::now()};
    if (found == m_lines.end()) {
        m_lines.push_back(line);
    } else {
        *found = line;
    }
    if (m_mode == ProgressMode::plain) {
        m_err << "roundtable: progress:" << describe(line, false).substr(1) << '\n' << std::flush;
        return;
    }
    redraw_locked();
}

void ProgressDisplay::redraw_locked() {
    std::string out;
    if (m_drawn > 0) {
        out += fmt::format("\x1b[{}A", m_drawn); // back to the first line
    }
    for (const Line& line : m_lines) {
        out += "\r\x1b[2K" + describe(line, true) + "\n";
    }
    m_drawn = m_lines.size();
    m_err << out << std::flush;
}

void ProgressDisplay::clear() {
    std::lock_guard lock(m_mutex);
    if (m_stopped) {
        return;
    }
    m_stopped = true;
    if (m_mode == ProgressMode::live && m_drawn > 0) {
        m_err << fmt::format("\x1b[{}A\r\x1b[J", m_drawn) << std::flush; // up, erase below
        m_drawn = 0;
    }
    m_wake.notify_all();
}

void ProgressDisplay::tick() {
    std::unique_lock lock(m_mutex);
    while (!m_stopped) {
        m_wake.wait_for(lock, std::chrono::milliseconds(500));
        if (!m_stopped && m_drawn > 0) {
            redraw_locked();
        }
    }
}

} // namespace roundtable::commands

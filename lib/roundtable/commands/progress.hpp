// Live progress of a panel on stderr, drawn from the pipeline's events
// (panel/observer.hpp). On a terminal each seat has one line, redrawn in place
// (seat, model, round, state with elapsed seconds, a retry's wait, tokens when
// done, the reason when failed) and cleared before the card prints, also when the
// run ends early (Ctrl-C, an error): the destructor clears. In plain mode each
// event is one line, for logs and pipes. Nothing is drawn off a terminal unless
// asked (`--progress plain`, or `--verbose`).
//
// Thread-safe: events come from the seats' threads; a ticker thread redraws the
// elapsed seconds on a terminal.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <roundtable/panel/observer.hpp>
#include <string>
#include <thread>
#include <vector>

namespace roundtable::commands {

enum class ProgressMode { off, live, plain };

// Returns the mode for `--progress` `flag` (auto, plain or off): auto is live on a terminal
// and off elsewhere, except plain under --verbose; -q turns it off. Throws
// Error(Exit::usage) for another value.
ProgressMode progress_mode(const std::string& flag, bool stderr_is_tty, bool quiet, int verbose);

// Returns the state part of a seat's progress line ("answering, 3.2 s", "retrying after
// HTTP 429, waiting 2.0 s", "done, 812/230 tokens, 4.1 s", "failed: timeout"), with `elapsed`
// in place of the event's own; never fails.
std::string describe_state(const panel::SeatEvent& event, std::chrono::milliseconds elapsed);

class ProgressDisplay final : public panel::PanelObserver {
public:
    // Draws on `err` in `mode`, in colour when `color`; never fails.
    ProgressDisplay(std::ostream& err, ProgressMode mode, bool color);
    ProgressDisplay(const ProgressDisplay&) = delete;
    ProgressDisplay& operator=(const ProgressDisplay&) = delete;
    // Clears what is drawn and stops the ticker; never fails.
    ~ProgressDisplay() override;

    // Takes one event; never throws.
    void on_event(const panel::SeatEvent& event) override;

    // Erases the live lines (the card comes next) and draws no more; never fails.
    void clear();

private:
    struct Line {
        panel::SeatEvent event;
        std::chrono::steady_clock::time_point since; // when the event came
    };

    std::string describe(const Line& line, bool live) const;
    void redraw_locked();
    void tick();

    std::ostream& m_err;
    ProgressMode m_mode;
    bool m_color;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<Line> m_lines; // one per seat, in the order seats first appear
    std::size_t m_drawn = 0;   // lines on screen below which the cursor sits
    bool m_stopped = false;
    std::thread m_ticker;
};

} // namespace roundtable::commands

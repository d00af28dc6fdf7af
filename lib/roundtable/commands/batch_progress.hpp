// Progress of a corpus run on stderr, drawn from the same events as one card's progress
// (panel/observer.hpp) plus the runner's counts (batch/runner.hpp). On a terminal it is
// one line, redrawn in place and cut to the terminal's width: articles done of planned,
// failed, the panels running and what their calls are doing (answering, retrying after
// which status and how long the longest wait, repairing, waiting), seats failed so far,
// rate, cost, ETA, and the call waited on longest (article, seat, seconds). In plain mode
// each seat event is one line naming its article, and each finished article one count
// line, for logs. Messages (a provider batch job's state change, a warning) print above
// the live line. With --provider-batch the live line shows each provider's jobs: their
// states and requests done of submitted. The destructor erases the line, also when the run
// ends early.
//
// Thread-safe: events come from many panels' threads; a ticker redraws once a second.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <roundtable/batch/runner.hpp>
#include <roundtable/commands/progress.hpp>
#include <roundtable/panel/observer.hpp>
#include <string>
#include <thread>
#include <utility>

namespace roundtable::commands {

// A provider batch job as last seen (jobs/runner.hpp reports them).
struct JobLine {
    std::string provider;
    std::string id;
    std::string state; // the provider's own word
    bool ended = false;
    std::int64_t done = 0;
    std::int64_t requests = 0;
};

class BatchProgress {
public:
    // Draws on `err` in `mode`, `width` columns wide on a terminal; never fails.
    BatchProgress(std::ostream& err, ProgressMode mode, int width);
    BatchProgress(const BatchProgress&) = delete;
    BatchProgress& operator=(const BatchProgress&) = delete;
    // Erases the live line and stops the ticker; never fails.
    ~BatchProgress();

    // Returns the observer of one article's panel, known by `key` (unique in the run) and
    // shown as `article` (its id in the corpus); never fails. Call finished(key) after the panel.
    std::shared_ptr<panel::PanelObserver> observe(const std::string& key,
                                                  const std::string& article);

    // Forgets the calls of panel `key`, which ended (a card, an error, Ctrl-C); never fails.
    void finished(const std::string& key);

    // Takes the runner's counts; never throws.
    void on_progress(const batch::RunnerProgress& progress);

    // Takes a provider batch job's state: the live line shows, per provider, its running jobs'
    // states and requests done of submitted; never throws.
    void on_job(const JobLine& job);

    // Prints `line` (with its newline added) above the live line; never throws.
    void message(const std::string& line);

    // Erases the live line and draws no more; never fails.
    void clear();

    // Returns the live line as it would be drawn now (no escapes, not cut); never fails.
    std::string status_line();

private:
    class Tap;
    struct Call {
        std::string article; // shown
        panel::SeatEvent event;
        std::chrono::steady_clock::time_point since; // when the call's event came
    };

    void on_event(const std::string& key, const std::string& article,
                  const panel::SeatEvent& event);
    std::string status_locked() const;
    void redraw_locked();
    void tick();

    std::ostream& m_err;
    ProgressMode m_mode;
    int m_width;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::mutex m_mutex;
    std::condition_variable m_wake;
    batch::RunnerProgress m_counts;
    // (panel key, seat) -> the seat's last event, for the panels still running.
    std::map<std::pair<std::string, std::string>, Call> m_calls;
    std::size_t m_seats_failed = 0;
    std::map<std::string, JobLine> m_jobs; // by job id
    bool m_drawn = false;                  // the live line is on screen
    bool m_stopped = false;
    std::thread m_ticker;
};

} // namespace roundtable::commands

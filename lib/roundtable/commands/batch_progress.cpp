#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <roundtable/commands/batch_progress.hpp>
#include <set>
#include <vector>

namespace roundtable::commands {

namespace {

using Clock = std::chrono::steady_clock;
using panel::SeatState;

std::chrono::milliseconds since(Clock::time_point then, Clock::time_point now) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - then);
}

std::string seconds(std::chrono::milliseconds duration) {
    return fmt::format("{:.1f} s", static_cast<double>(duration.count()) / 1000.0);
}

std::string duration_text(double s) {
    if (s >= 3600) {
        return fmt::format("{}h{:02}m", static_cast<int>(s / 3600), static_cast<int>(s / 60) % 60);
    }
    if (s >= 60) {
        return fmt::format("{}m{:02}s", static_cast<int>(s / 60), static_cast<int>(s) % 60);
    }
    return fmt::format("{:.0f}s", s);
}

// Returns `text` cut to `columns` code points, on a character boundary; never fails.
std::string cut_to_columns(const std::string& text, int columns) {
    int seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
            continue; // a continuation byte
        }
        if (seen++ == columns) {
            return text.substr(0, i);
        }
    }
    return text;
}

} // namespace

class BatchProgress::Tap final : public panel::PanelObserver {
public:
    Tap(BatchProgress& owner, std::string key, std::string article)
        : m_owner(owner), m_key(std::move(key)), m_article(std::move(article)) {}

    void on_event(const panel::SeatEvent& event) override {
        m_owner.on_event(m_key, m_article, event);
    }

private:
    BatchProgress& m_owner;
    std::string m_key;
    std::string m_article;
};

BatchProgress::BatchProgress(std::ostream& err, ProgressMode mode, int width)
    : m_err(err), m_mode(mode), m_width(std::max(width, 20)) {
    if (m_mode == ProgressMode::live) {
        m_ticker = std::thread([this] { tick(); });
    }
}

BatchProgress::~BatchProgress() {
    clear();
    if (m_ticker.joinable()) {
        m_ticker.join();
    }
}

std::shared_ptr<panel::PanelObserver> BatchProgress::observe(const std::string& key,
                                                             const std::string& article) {
    return std::make_shared<Tap>(*this, key, article);
}

void BatchProgress::on_event(const std::string& key, const std::string& article,
                             const panel::SeatEvent& event) {
    if (m_mode == ProgressMode::off) {
        return;
    }
    const std::lock_guard lock(m_mutex);
    if (m_stopped) {
        return;
    }
    m_seats_failed += event.state == SeatState::failed ? 1 : 0;
    if (m_mode == ProgressMode::plain) {
        m_err << fmt::format("roundtable: progress: {}: {} {} {} {}\n", article, event.seat,
                             event.model, event.round.empty() ? "-" : event.round,
                             describe_state(event, event.elapsed))
              << std::flush;
        return;
    }
    m_calls[{key, event.seat}] = Call{article, event, Clock::now()};
}

void BatchProgress::finished(const std::string& key) {
    const std::lock_guard lock(m_mutex);
    auto it = m_calls.lower_bound({key, std::string()});
    while (it != m_calls.end() && it->first.first == key) {
        it = m_calls.erase(it);
    }
}

void BatchProgress::on_progress(const batch::RunnerProgress& progress) {
    if (m_mode == ProgressMode::off) {
        return;
    }
    const std::lock_guard lock(m_mutex);
    if (m_stopped) {
        return;
    }
    m_counts = progress;
    if (m_mode == ProgressMode::plain) {
        const std::size_t done = progress.cards + progress.failed;
        if (done > 0) { // the first call only counts the articles
            m_err << "roundtable: progress: " << status_locked() << '\n' << std::flush;
        }
        return;
    }
    redraw_locked();
}

void BatchProgress::on_job(const JobLine& job) {
    if (m_mode == ProgressMode::off) {
        return;
    }
    const std::lock_guard lock(m_mutex);
    m_jobs[job.id] = job;
}

void BatchProgress::message(const std::string& line) {
    const std::lock_guard lock(m_mutex);
    if (m_drawn) {
        m_err << "\r\x1b[2K";
    }
    m_err << line << '\n';
    if (m_drawn && !m_stopped) {
        redraw_locked();
    }
    m_err << std::flush;
}

void BatchProgress::clear() {
    const std::lock_guard lock(m_mutex);
    if (m_stopped) {
        return;
    }
    m_stopped = true;
    if (m_drawn) {
        m_err << "\r\x1b[2K" << std::flush;
        m_drawn = false;
    }
    m_wake.notify_all();
}

std::string BatchProgress::status_line() {
    const std::lock_guard lock(m_mutex);
    return status_locked();
}

std::string BatchProgress::status_locked() const {
    const auto now = Clock::now();
    const std::size_t done = m_counts.cards + m_counts.failed;
    std::string line = m_counts.planned > 0 ? fmt::format("[{}/{}]", done, m_counts.planned)
                                            : fmt::format("[{}]", done);
    line += fmt::format(" {} failed", m_counts.failed);

    // What the running panels' calls are doing.
    std::set<std::string> panels;
    std::size_t answering = 0;
    std::size_t retrying = 0;
    std::size_t repairing = 0;
    std::size_t waiting = 0;
    std::set<int> statuses;
    std::chrono::milliseconds longest_wait{0};
    const std::pair<std::string, std::string>* longest = nullptr;
    std::chrono::milliseconds longest_elapsed{0};
    for (const auto& [key, call] : m_calls) {
        panels.insert(key.first);
        const panel::SeatEvent& e = call.event;
        // A retry whose wait is over is in flight again: it counts as answering.
        const auto wait_left = e.wait - since(call.since, now);
        const bool retry_sent = e.state == SeatState::retrying && wait_left <= wait_left.zero();
        switch (retry_sent ? SeatState::answering : e.state) {
        case SeatState::waiting:
            ++waiting;
            break;
        case SeatState::retrying:
            ++retrying;
            statuses.insert(e.status);
            longest_wait = std::max(longest_wait, wait_left);
            break;
        case SeatState::answering:
        case SeatState::repaired: {
            (e.state == SeatState::repaired ? repairing : answering) += 1;
            const auto elapsed = e.elapsed + since(call.since, now);
            if (longest == nullptr || elapsed > longest_elapsed) {
                longest = &key;
                longest_elapsed = elapsed;
            }
            break;
        }
        case SeatState::done:
        case SeatState::failed:
            break;
        }
    }
    if (!panels.empty()) {
        std::vector<std::string> doing;
        if (answering > 0) {
            doing.push_back(fmt::format("{} answering", answering));
        }
        if (retrying > 0) {
            std::vector<std::string> why;
            for (int status : statuses) {
                why.push_back(status != 0 ? fmt::format("{}", status) : "no response");
            }
            doing.push_back(fmt::format("{} retrying (HTTP {}; next in {})", retrying,
                                        fmt::join(why, "/"), seconds(longest_wait)));
        }
        if (repairing > 0) {
            doing.push_back(fmt::format("{} repairing", repairing));
        }
        if (waiting > 0) {
            doing.push_back(fmt::format("{} waiting", waiting));
        }
        line += fmt::format(" · {} running", panels.size());
        if (!doing.empty()) {
            line += fmt::format(": {}", fmt::join(doing, ", "));
        }
    }
    if (m_seats_failed > 0) {
        line += fmt::format(" · {} call{} failed", m_seats_failed, m_seats_failed == 1 ? "" : "s");
    }
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
    if (done > 0) {
        line += rate >= 1.0 ? fmt::format(" · {:.1f}/s", rate)
                            : fmt::format(" · {:.1f}/min", rate * 60);
    }
    line += fmt::format(" · ${:.4f}", m_counts.cost_usd);
    if (rate > 0 && m_counts.planned > done) {
        line += " · ETA " + duration_text(static_cast<double>(m_counts.planned - done) / rate);
    }
    // Provider batch jobs: per provider, the running jobs' states and requests done.
    struct Provider {
        std::set<std::string> states;
        std::size_t running = 0;
        std::size_t ended = 0;
        std::int64_t done = 0;
        std::int64_t requests = 0;
    };
    std::map<std::string, Provider> providers;
    for (const auto& [id, job] : m_jobs) {
        Provider& p = providers[job.provider];
        if (job.ended) {
            ++p.ended;
            continue;
        }
        ++p.running;
        p.states.insert(job.state);
        p.done += job.done;
        p.requests += job.requests;
    }
    for (const auto& [name, p] : providers) {
        if (p.running == 0) {
            line += fmt::format(" · {} ended", name);
            continue;
        }
        line += fmt::format(" · {}{} {} {}/{}", name,
                            p.running > 1 ? fmt::format(" {} jobs", p.running) : "",
                            fmt::join(p.states, "/"), p.done, p.requests);
    }

    if (longest != nullptr) {
        const Call& call = m_calls.at(*longest);
        line += fmt::format(" · longest: {} {} {} {}", call.article, longest->second,
                            call.event.round, seconds(longest_elapsed));
    }
    return line;
}

void BatchProgress::redraw_locked() {
    m_err << "\r\x1b[2K" << cut_to_columns(status_locked(), m_width - 1) << std::flush;
    m_drawn = true;
}

void BatchProgress::tick() {
    std::unique_lock lock(m_mutex);
    while (!m_stopped) {
        m_wake.wait_for(lock, std::chrono::seconds(1));
        if (!m_stopped && m_drawn) {
            redraw_locked();
        }
    }
}

} // namespace roundtable::commands

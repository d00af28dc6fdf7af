#include <cstdlib>
#include <fmt/format.h>
#include <roundtable/http/abort.hpp>
#include <roundtable/jobs/fleet.hpp>
#include <roundtable/jobs/journal.hpp>
#include <roundtable/util/error.hpp>
#include <thread>

namespace roundtable::jobs {

namespace {

void sleep_unless_aborted(std::chrono::milliseconds total) {
    const auto step = std::chrono::milliseconds(20);
    for (auto slept = std::chrono::milliseconds(0); slept < total; slept += step) {
        if (http::abort_requested()) {
            return;
        }
        std::this_thread::sleep_for(std::min(step, total - slept));
    }
}

} // namespace

bool batch_trouble(const ResultLine& line) {
    return !line.response || line.response->status == 429 || line.response->status >= 500;
}

void check_abort() {
    if (http::abort_requested()) {
        throw Error(Exit::interrupted, "interrupted");
    }
}

Fleet::Fleet(const std::vector<panel::Seat>& seats, const panel::PanelOptions& options,
             http::Transport& transport, RunnerOptions runner)
    : m_seats(seats), m_runner(std::move(runner)) {
    for (const auto& seat : seats) {
        m_codecs.push_back(providers::make_codec(seat.config.provider));
        m_protocols.push_back(
            m_codecs.back() && !options.offline ? protocol_of(seat.config.provider) : std::nullopt);
        std::string key;
        if (m_runner.api_key) {
            key = m_runner.api_key(seat.config);
        } else if (!seat.config.api_key_env.empty()) {
            const char* value = std::getenv(seat.config.api_key_env.c_str());
            key = value ? value : "";
        }
        m_clients.push_back(m_protocols.back()
                                ? std::make_unique<Client>(*m_protocols.back(), *m_codecs.back(),
                                                           seat.config, key, transport)
                                : nullptr);
        Limits l = limits_of(seat.config.provider);
        if (m_runner.max_requests > 0) {
            l.max_requests = std::min(l.max_requests, m_runner.max_requests);
        }
        if (m_runner.max_bytes > 0) {
            l.max_bytes = std::min(l.max_bytes, m_runner.max_bytes);
        }
        m_limits.push_back(l);
        m_caches.push_back(dynamic_cast<providers::CachingProvider*>(seat.provider.get()));
    }
}

std::string Fleet::key_of(std::size_t seat, const providers::Request& request) const {
    return m_caches[seat] ? m_caches[seat]->key_for(request) : std::string();
}

std::string Fleet::next_id(std::size_t article, std::size_t seat) {
    return fmt::format("r{}-a{}-s{}", m_next_id++, article, seat); // short: no heap for most
}

std::string Fleet::line_for(std::size_t seat, const std::string& id,
                            const providers::Request& request) const {
    return request_line(*m_protocols[seat], *m_codecs[seat], id, request, m_seats[seat].config);
}

std::expected<void, providers::Failure>
Fleet::submit(Job& job, const std::vector<std::string>& lines, const std::string& path,
              const std::vector<store::BatchRequest>& recorded) {
    const std::size_t s = job.seat;
    auto submitted = lines.empty() && !path.empty() ? m_clients[s]->submit_file(path, "roundtable")
                                                    : m_clients[s]->submit(lines, "roundtable");
    if (!submitted) {
        progress(fmt::format("{} job not submitted: {}", m_seats[s].config.provider,
                             submitted.error().describe()));
        return std::unexpected(std::move(submitted.error()));
    }
    ++stats.jobs;
    job.status = std::move(*submitted);
    if (m_runner.journal) { // recorded before any poll: Ctrl-C loses nothing
        job.row =
            m_runner.journal->submitted(m_seats[s].config, job.status, stats.passes, recorded);
    }
    progress(fmt::format("{} job {}: {} ({} requests)", m_seats[s].config.provider, job.status.id,
                         job.status.state, job.requests.size()));
    report(job);
    return {};
}

void Fleet::wait(std::vector<Job>& jobs) {
    while (std::any_of(jobs.begin(), jobs.end(), [](const Job& j) { return !j.status.ended; })) {
        sleep_unless_aborted(m_runner.poll);
        check_abort();
        for (auto& job : jobs) {
            if (job.status.ended) {
                continue;
            }
            auto next = m_clients[job.seat]->poll(job.status.id);
            if (!next) {
                continue; // a failed poll is tried again at the next interval
            }
            const bool changed = next->state != job.status.state ||
                                 next->succeeded != job.status.succeeded ||
                                 next->failed != job.status.failed;
            if (next->state != job.status.state) {
                progress(fmt::format("{} job {}: {} {}/{}", m_seats[job.seat].config.provider,
                                     next->id, next->state, next->succeeded + next->failed,
                                     job.requests.size()));
            }
            job.status = std::move(*next);
            if (changed && m_runner.journal && job.row != 0) {
                m_runner.journal->polled(job.row, job.status);
            }
            report(job);
        }
    }
}

void Fleet::collect(
    Job& job,
    const std::function<void(Pending&, std::expected<providers::Reply, providers::Failure>, bool)>&
        each) {
    const std::size_t s = job.seat;
    auto read = m_clients[s]->results(job.status, [&](std::string_view text) {
        auto line = read_result(*m_protocols[s], text);
        if (!line) {
            return;
        }
        auto it = job.requests.find(line->id);
        if (it == job.requests.end()) {
            return;
        }
        Pending p = std::move(it->second);
        job.requests.erase(it);
        auto result = outcome(*m_codecs[s], *line, p.request, m_seats[s].config);
        const bool trouble = !result && batch_trouble(*line);
        each(p, std::move(result), trouble);
    });
    (void)read;                          // a failed download leaves its requests to the loop below
    for (auto& [id, p] : job.requests) { // asked but not in the results
        providers::Failure f;
        f.provider = m_seats[s].config.provider;
        f.type = "missing";
        f.message = fmt::format("batch job {} ({}) returned no result for {}", job.status.id,
                                job.status.state, id);
        f.batch = true;
        each(p, std::unexpected(std::move(f)), true);
    }
    job.requests.clear();
    // A job of this process is done with; an adopted one once no recorded line is left.
    if (m_runner.journal && job.row != 0 &&
        (!job.adopted || m_runner.journal->unclaimed(job.row) == 0)) {
        m_runner.journal->collected(job.row);
    }
}

void Fleet::report(const Job& job) const {
    if (m_runner.on_job) {
        m_runner.on_job({m_seats[job.seat].config.provider, job.status.id, job.status.state,
                         job.status.ended, job.status.succeeded + job.status.failed,
                         static_cast<std::int64_t>(job.requests.size())});
    }
}

void Fleet::progress(const std::string& line) const {
    if (m_runner.progress) {
        m_runner.progress(line);
    }
}

} // namespace roundtable::jobs

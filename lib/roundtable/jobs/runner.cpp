#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <roundtable/http/abort.hpp>
#include <roundtable/jobs/client.hpp>
#include <roundtable/jobs/limits.hpp>
#include <roundtable/jobs/runner.hpp>
#include <roundtable/jobs/wire.hpp>
#include <roundtable/util/error.hpp>
#include <thread>

namespace roundtable::jobs {

namespace {

// One request waiting in a job: whose call it is and what was asked.
struct Pending {
    std::size_t article = 0;
    std::size_t seat = 0;
    providers::Request request;
};

struct Job {
    std::size_t seat = 0;
    JobStatus status;
    std::map<std::string, Pending> requests; // by custom id
};

// Returns whether a failed line is the batch system's doing (worth submitting again) rather
// than the model's answer: no response at all, or a 429 / 5xx inside the line.
bool batch_trouble(const ResultLine& line) {
    return !line.response || line.response->status == 429 || line.response->status >= 500;
}

void sleep_unless_aborted(std::chrono::milliseconds total) {
    const auto step = std::chrono::milliseconds(20);
    for (auto slept = std::chrono::milliseconds(0); slept < total; slept += step) {
        if (http::abort_requested()) {
            return;
        }
        std::this_thread::sleep_for(std::min(step, total - slept));
    }
}

void check_abort() {
    if (http::abort_requested()) {
        throw Error(Exit::interrupted, "interrupted");
    }
}

} // namespace

RunnerStats run_batch_panels(const std::vector<article::Article>& articles,
                             const std::vector<panel::Seat>& seats,
                             const panel::PanelOptions& options, http::Transport& transport,
                             const RunnerOptions& runner,
                             const std::function<void(ArticleResult)>& done) {
    RunnerStats stats;
    std::vector<std::unique_ptr<panel::PanelRun>> runs;
    runs.reserve(articles.size());
    for (const auto& article : articles) {
        runs.push_back(std::make_unique<panel::PanelRun>(article, seats, options));
    }
    std::vector<std::vector<int>> attempts(articles.size(), std::vector<int>(seats.size(), 0));

    // Per seat: its codec, batch protocol and client (none: the seat is called synchronously).
    std::vector<std::unique_ptr<providers::Codec>> codecs;
    std::vector<std::optional<Protocol>> protocols;
    std::vector<std::unique_ptr<Client>> clients;
    std::vector<Limits> limits;
    for (const auto& seat : seats) {
        codecs.push_back(providers::make_codec(seat.config.provider));
        protocols.push_back(codecs.back() && !options.offline ? protocol_of(seat.config.provider)
                                                              : std::nullopt);
        std::string key;
        if (runner.api_key) {
            key = runner.api_key(seat.config);
        } else if (!seat.config.api_key_env.empty()) {
            const char* value = std::getenv(seat.config.api_key_env.c_str());
            key = value ? value : "";
        }
        clients.push_back(protocols.back()
                              ? std::make_unique<Client>(*protocols.back(), *codecs.back(),
                                                         seat.config, key, transport)
                              : nullptr);
        Limits l = limits_of(seat.config.provider);
        if (runner.max_requests > 0) {
            l.max_requests = std::min(l.max_requests, runner.max_requests);
        }
        if (runner.max_bytes > 0) {
            l.max_bytes = std::min(l.max_bytes, runner.max_bytes);
        }
        limits.push_back(l);
    }

    std::size_t alive = runs.size();
    // Advances run `i` through every settled stage; hands over its card (or its failure).
    auto settle = [&](std::size_t i) {
        auto& run = runs[i];
        if (!run) {
            return;
        }
        try {
            while (run->stage() != panel::PanelRun::Stage::done && run->stage_settled()) {
                run->advance();
            }
        } catch (const Error& e) {
            run.reset();
            --alive;
            done({i, std::nullopt, e.what()});
            return;
        }
        if (run->stage() == panel::PanelRun::Stage::done) {
            panel::Card card = run->take_card();
            run.reset();
            --alive;
            done({i, std::move(card), ""});
        }
    };
    auto answer = [&](const Pending& p,
                      std::expected<providers::Reply, providers::Failure> outcome) {
        attempts[p.article][p.seat] = 0;
        runs[p.article]->answer(p.seat, std::move(outcome));
    };

    std::size_t next_id = 0;
    while (alive > 0) {
        check_abort();
        ++stats.passes;
        // Gather every call the live runs have to make now, per seat.
        std::vector<std::vector<Pending>> wanted(seats.size());
        bool answered_sync = false;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            if (!runs[i]) {
                continue;
            }
            for (std::size_t s : runs[i]->active_seats()) {
                auto request = runs[i]->next_call(s);
                if (!request) {
                    continue;
                }
                if (!clients[s]) { // no batch API for this seat: call it now
                    ++stats.sync_calls;
                    answer({i, s, *request}, seats[s].provider->complete(*request));
                    answered_sync = true;
                    continue;
                }
                wanted[s].push_back({i, s, std::move(*request)});
            }
        }
        // Submit one job per seat, split at the provider's limits.
        std::vector<Job> jobs;
        for (std::size_t s = 0; s < seats.size(); ++s) {
            std::size_t k = 0;
            while (k < wanted[s].size()) {
                Job job;
                job.seat = s;
                std::vector<std::string> lines;
                std::size_t bytes = 0;
                while (k < wanted[s].size() && lines.size() < limits[s].max_requests) {
                    Pending& p = wanted[s][k];
                    const std::string id = fmt::format("rt{}-a{}-s{}", next_id, p.article, p.seat);
                    std::string line =
                        request_line(*protocols[s], *codecs[s], id, p.request, seats[s].config);
                    if (!lines.empty() && bytes + line.size() + 1 > limits[s].max_bytes) {
                        break;
                    }
                    ++next_id;
                    bytes += line.size() + 1;
                    lines.push_back(std::move(line));
                    ++attempts[p.article][p.seat];
                    job.requests.emplace(id, std::move(p));
                    ++k;
                }
                auto submitted = clients[s]->submit(lines, "roundtable");
                if (!submitted) {
                    // The job never started: every request in it counts as one failed attempt.
                    for (auto& [id, p] : job.requests) {
                        if (attempts[p.article][p.seat] >= runner.max_attempts) {
                            answer(p, std::unexpected(submitted.error()));
                        }
                    }
                    if (runner.progress) {
                        runner.progress(fmt::format("{} job not submitted: {}",
                                                    seats[s].config.provider,
                                                    submitted.error().describe()));
                    }
                    continue;
                }
                ++stats.jobs;
                job.status = *submitted;
                if (runner.progress) {
                    runner.progress(fmt::format("{} job {}: {} ({} requests)",
                                                seats[s].config.provider, job.status.id,
                                                job.status.state, job.requests.size()));
                }
                jobs.push_back(std::move(job));
            }
        }
        // Poll every job until it ends.
        for (bool waiting = true; waiting;) {
            waiting = false;
            for (auto& job : jobs) {
                waiting = waiting || !job.status.ended;
            }
            if (!waiting) {
                break;
            }
            sleep_unless_aborted(runner.poll);
            check_abort();
            for (auto& job : jobs) {
                if (job.status.ended) {
                    continue;
                }
                auto next = clients[job.seat]->poll(job.status.id);
                if (!next) {
                    continue; // a failed poll is tried again at the next interval
                }
                if (next->state != job.status.state && runner.progress) {
                    runner.progress(fmt::format(
                        "{} job {}: {} {}/{}", seats[job.seat].config.provider, next->id,
                        next->state, next->succeeded + next->failed, job.requests.size()));
                }
                job.status = std::move(*next);
            }
        }
        // Read the results and answer the runs.
        for (auto& job : jobs) {
            const std::size_t s = job.seat;
            auto read = clients[s]->results(job.status, [&](std::string_view text) {
                auto line = read_result(*protocols[s], text);
                if (!line) {
                    return;
                }
                auto it = job.requests.find(line->id);
                if (it == job.requests.end()) {
                    return;
                }
                Pending p = std::move(it->second);
                job.requests.erase(it);
                auto result = outcome(*codecs[s], *line, p.request, seats[s].config);
                if (!result && batch_trouble(*line)) {
                    ++stats.failed_lines;
                    if (attempts[p.article][p.seat] < runner.max_attempts) {
                        ++stats.resubmitted; // asked again in the next pass
                        return;
                    }
                    if (runner.finish_sync) {
                        ++stats.sync_calls;
                        answer(p, seats[s].provider->complete(p.request));
                        return;
                    }
                }
                answer(p, std::move(result));
            });
            (void)read; // a failed download leaves its requests to the next pass or failure below
            for (auto& [id, p] : job.requests) { // asked but not in the results
                ++stats.failed_lines;
                if (attempts[p.article][p.seat] < runner.max_attempts) {
                    ++stats.resubmitted;
                } else if (runner.finish_sync) {
                    ++stats.sync_calls;
                    answer(p, seats[s].provider->complete(p.request));
                } else {
                    providers::Failure f;
                    f.provider = seats[s].config.provider;
                    f.type = "missing";
                    f.message = fmt::format("batch job {} ({}) returned no result for {}",
                                            job.status.id, job.status.state, id);
                    f.batch = true;
                    answer(p, std::unexpected(std::move(f)));
                }
            }
        }
        for (std::size_t i = 0; i < runs.size(); ++i) {
            settle(i);
        }
        (void)answered_sync;
    }
    return stats;
}

} // namespace roundtable::jobs

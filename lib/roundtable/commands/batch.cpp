#include <atomic>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <map>
#include <mutex>
#include <ostream>
#include <roundtable/article/article.hpp>
#include <roundtable/batch/limit.hpp>
#include <roundtable/batch/output.hpp>
#include <roundtable/batch/policy.hpp>
#include <roundtable/batch/report.hpp>
#include <roundtable/batch/runner.hpp>
#include <roundtable/batch/shard.hpp>
#include <roundtable/batch/throttle.hpp>
#include <roundtable/commands/batch.hpp>
#include <roundtable/commands/batch_progress.hpp>
#include <roundtable/commands/fetch.hpp>
#include <roundtable/commands/jobs.hpp>
#include <roundtable/http/abort.hpp>
#include <roundtable/http/clock.hpp>
#include <roundtable/http/curl_transport.hpp>
#include <roundtable/jobs/journal.hpp>
#include <roundtable/jobs/limits.hpp>
#include <roundtable/jobs/runner.hpp>
#include <roundtable/jobs/sweep.hpp>
#include <roundtable/panel/pipeline.hpp>
#include <roundtable/providers/defaults.hpp>
#include <roundtable/providers/factory.hpp>
#include <roundtable/score/outcomes.hpp>
#include <roundtable/score/render.hpp>
#include <roundtable/util/atomic_file.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/hash.hpp>
#include <sstream>
#include <unordered_set>

namespace roundtable::commands {

namespace {

// Runs the sweeps of a --provider-batch run after the first (whose totals are `totals` and
// whose waiting ids are in `deferred`): submits what the last sweep spooled, waits for the
// jobs, and runs the waiting articles again, until none waits, Ctrl-C, or --detach stops it.
// Adds each sweep's counts to `totals` and to `earlier` (for the progress line); articles
// left waiting count as interrupted.
void run_sweeps(jobs::Sweeper& sweeper, batch::RunnerOptions runner,
                const batch::RunnerHooks& hooks, batch::LineWriter& writer, std::ostream& err,
                batch::BatchTotals& totals, std::unordered_set<std::string>& deferred,
                batch::RunnerProgress& earlier) {
    const auto started =
        std::chrono::steady_clock::now() - std::chrono::milliseconds(totals.wall_ms);
    std::unordered_set<std::string> waiting;
    runner.count_planned = false;
    runner.only = &waiting;
    while (totals.deferred > 0 && totals.interrupted == 0 && !http::abort_requested()) {
        try {
            sweeper.flush();
        } catch (const Error& e) {
            if (e.code() != Exit::interrupted) {
                throw;
            }
            break;
        }
        if (sweeper.detached()) {
            break;
        }
        waiting.clear();
        waiting.swap(deferred);
        earlier.cards = totals.cards;
        earlier.failed = totals.failed;
        earlier.cost_usd = totals.cost_usd;
        const batch::BatchTotals next = batch::run_corpus(runner, hooks, writer, err);
        totals.cards += next.cards;
        totals.failed += next.failed;
        for (const auto& [stance, n] : next.stances) {
            totals.stances[stance] += n;
        }
        for (const auto& [reason, n] : next.failures) {
            totals.failures[reason] += n;
        }
        totals.worst_exit = std::max(totals.worst_exit, next.worst_exit);
        totals.calls += next.calls;
        totals.cache_hits += next.cache_hits;
        totals.input_tokens += next.input_tokens;
        totals.output_tokens += next.output_tokens;
        totals.cost_usd += next.cost_usd;
        totals.policy_matches.insert(totals.policy_matches.end(), next.policy_matches.begin(),
                                     next.policy_matches.end());
        totals.interrupted = next.interrupted;
        totals.deferred = next.deferred;
    }
    totals.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count();
    totals.interrupted += totals.deferred; // no line: a --resume or jobs collect runs them
    totals.deferred = 0;
}

// Returns the page of the URL item `item`: fetched at the run's first sweep and kept in the
// sweeper's folder for the later ones, which read their articles again (a page that changed
// meanwhile would change the panel's prompts, and so its requests). Throws as fetch_page().
std::string kept_page(const jobs::Sweeper& sweeper, const batch::InputItem& item,
                      const article::ReadOptions& options) {
    const std::string path =
        (std::filesystem::path(sweeper.folder()) /
         ("page-" + util::sha256_hex(item.id + '\n' + item.value).substr(0, 32)))
            .string();
    if (std::ifstream in{path, std::ios::binary}) {
        std::ostringstream bytes;
        bytes << in.rdbuf();
        return bytes.str();
    }
    std::string page = fetch_page(item.value, options);
    try {
        util::write_file_atomic(path, page);
    } catch (const std::exception&) {
        // Not kept (a full disk): the next sweep fetches it again.
    }
    return page;
}

} // namespace

int run_batch(const BatchOptions& options, std::ostream& out, std::ostream& err) {
    if (options.inputs.empty()) {
        throw Error(Exit::usage, "batch: no input given (files, folders, globs or .jsonl files)");
    }
    if (options.jobs < 1) {
        throw Error(Exit::usage, "--jobs: expected a number of at least 1");
    }
    if (options.max_in_flight < 1) {
        throw Error(Exit::usage, "--max-in-flight: expected a number of at least 1");
    }
    if (options.resume && options.jsonl.empty()) {
        throw Error(Exit::usage, "--resume needs --jsonl FILE (the output to resume)");
    }
    if (!std::isfinite(options.poll_seconds) || options.poll_seconds < 0) {
        throw Error(Exit::usage, "--poll: expected a number of seconds of at least 0");
    }
    if ((options.finish_sync || options.poll_seconds > 0) && !options.provider_batch) {
        throw Error(Exit::usage, "--finish-sync and --poll need --provider-batch");
    }
    if (options.detach && (!options.provider_batch || options.cache.no_cache)) {
        throw Error(Exit::usage, "--detach needs --provider-batch and the reply cache (no "
                                 "--no-cache)");
    }
    batch::RunnerOptions runner;
    runner.inputs = options.inputs;
    runner.jobs = options.jobs;
    if (!options.shard.empty()) {
        auto shard = batch::parse_shard(options.shard);
        if (!shard) {
            throw Error(Exit::usage, shard.error());
        }
        runner.shard = *shard;
    }
    auto policies = batch::parse_policies(options.fail_on);
    if (!policies) {
        throw Error(Exit::usage, policies.error());
    }
    runner.policies = std::move(*policies);

    // Outcomes are read before any call is made: a bad row costs nothing.
    std::optional<score::Outcomes> outcomes;
    if (!options.outcomes.empty()) {
        if (options.report.empty()) {
            throw Error(Exit::usage, "--outcomes needs --report FILE (or score the JSONL with "
                                     "roundtable score)");
        }
        if (!std::isfinite(options.band) || options.band < 0.0) {
            throw Error(Exit::usage, fmt::format("--band: expected a fraction of at least 0 "
                                                 "(0.01 is 1%), got {}",
                                                 options.band));
        }
        auto read = score::read_outcomes(options.outcomes, options.band);
        if (!read) {
            throw Error(Exit::usage, read.error());
        }
        outcomes = std::move(*read);
    }

    config::PanelConfig config = config::load(options.overrides);
    panel::PanelOptions panel_options;
    if (options.prompts_dir) {
        panel_options.prompts = panel::PromptSet::from_dir(*options.prompts_dir);
    }
    panel_options.rebuttal = options.rebuttal;
    panel_options.anonymize = options.anonymize;
    panel_options.quorum = config.quorum;
    panel_options.chair = config.chair;
    panel_options.offline = config.offline;
    panel_options.cost = panel::cost_function(config.catalogue);
    if (!options.quiet) {
        for (const auto& notice : config.notices) {
            err << "roundtable: " << notice << '\n';
        }
    }

    // Seats are built once and shared by every panel. Each provider -- a protocol and
    // the server it talks to, so two openai-compatible servers are two providers -- gets
    // one in-flight semaphore and one rate throttle (the smallest rpm / tpm of its
    // seats), both taken inside the cache so that hits take neither. The throttle sits
    // inside the semaphore, so a call leaves as soon as its tokens are due.
    auto provider_key = [](const providers::SeatConfig& seat) {
        return seat.provider + ' ' +
               std::string(providers::base_url_or_default(seat.provider, seat.base_url));
    };
    std::map<std::string, std::shared_ptr<batch::Semaphore>> slots;
    std::map<std::string, batch::ThrottleLimits> rate_limits;
    std::map<std::string, std::shared_ptr<batch::Throttle>> throttles;
    std::vector<panel::Seat> seats;
    for (const auto& seat : config.seats) {
        seats.push_back(
            {seat, std::shared_ptr<providers::Provider>(providers::make_provider(seat))});
        auto& limits = rate_limits[provider_key(seat)];
        limits = batch::tighter(limits, {seat.rpm, seat.tpm});
    }
    session::StoreSetup store_setup;
    store_setup.settings = config.store;
    session::RunStore run_store = session::open_run_store(options.cache, err, store_setup);
    seats = session::wrap_seats(
        std::move(seats), run_store,
        [&](const providers::SeatConfig& seat, std::shared_ptr<providers::Provider> inner) {
            const std::string key = provider_key(seat);
            auto& sem = slots[key];
            if (!sem) {
                sem = std::make_shared<batch::Semaphore>(options.max_in_flight);
            }
            auto& throttle = throttles[key];
            if (!throttle) {
                throttle =
                    std::make_shared<batch::Throttle>(rate_limits[key], http::system_clock());
            }
            return std::make_shared<batch::LimitedProvider>(
                std::make_shared<batch::ThrottledProvider>(std::move(inner), throttle), sem);
        });

    std::unique_ptr<batch::LineWriter> file_writer;
    if (!options.jsonl.empty()) {
        if (options.resume) {
            auto state = batch::read_resume_state(options.jsonl);
            if (!state) {
                throw Error(Exit::usage, state.error());
            }
            if (state->truncated && !options.quiet) {
                err << fmt::format(
                    "roundtable: {}: cut an incomplete last line; its article runs again\n",
                    options.jsonl);
            }
            if (state->failures_removed > 0 && !options.quiet) {
                err << fmt::format(
                    "roundtable: {}: took out {} error line{}; {} run again\n", options.jsonl,
                    state->failures_removed, state->failures_removed == 1 ? "" : "s",
                    state->failures_removed == 1 ? "its article will" : "their articles will");
            }
            runner.done = std::move(state->done);
        }
        auto opened = batch::LineWriter::open_file(options.jsonl, options.resume);
        if (!opened) {
            throw Error(Exit::usage, opened.error());
        }
        file_writer = std::move(*opened);
    }
    batch::LineWriter stdout_writer(out);
    batch::LineWriter& writer = file_writer ? *file_writer : stdout_writer;

    std::unique_ptr<batch::ReportBuilder> report;
    if (!options.report.empty()) {
        report = std::make_unique<batch::ReportBuilder>();
    }

    article::ReadOptions read_options;
    read_options.max_bytes = options.max_bytes;
    std::unique_ptr<jobs::Sweeper> sweeper; // --provider-batch with the reply cache (below)
    batch::RunnerHooks hooks;
    hooks.read = [&](const batch::InputItem& item) {
        switch (item.kind) {
        case batch::InputItem::Kind::text:
            return article::from_bytes(item.value, item.id, read_options);
        case batch::InputItem::Kind::url:
            if (sweeper) { // each sweep reads its articles again: a page is fetched once a run
                return article::from_bytes(kept_page(*sweeper, item, read_options), item.value,
                                           read_options);
            }
            return fetch_article(item.value, read_options);
        default:
            return article::read_file(item.value, read_options);
        }
    };
    // The progress line (or plain lines) from the panels' events and the runner's counts.
    // The offline analysts take milliseconds a card: only the counts are shown for them.
    const ProgressMode progress_kind =
        progress_mode(options.progress, options.stderr_is_tty, options.quiet, options.verbose);
    BatchProgress progress(err, progress_kind, options.width);
    const bool seat_events = !config.offline && progress_kind != ProgressMode::off;
    runner.count_planned = progress_kind != ProgressMode::off;
    // A --provider-batch run is several sweeps of the runner: the counts shown add up.
    batch::RunnerProgress earlier; // of the sweeps before this one; planned: of the first
    hooks.on_progress = [&](const batch::RunnerProgress& counts) {
        if (counts.planned > 0) {
            earlier.planned = counts.planned;
        }
        batch::RunnerProgress shown = counts;
        shown.planned = earlier.planned;
        shown.cards += earlier.cards;
        shown.failed += earlier.failed;
        shown.cost_usd += earlier.cost_usd;
        progress.on_progress(shown);
    };
    // --provider-batch: the panels' calls go out as the providers' batch jobs (jobs/): in
    // sweeps through the reply cache (jobs/sweep.hpp), or, without the cache, with the panels
    // held in memory by a broker (jobs/runner.hpp).
    std::shared_ptr<http::CurlTransport> batch_transport;
    std::unique_ptr<jobs::Broker> broker;
    std::optional<jobs::Journal> journal; // the run's record in the store (roundtable jobs)
    if (options.provider_batch && config.offline) {
        // No job to submit: the offline analysts answer at once, and nothing is recorded.
        if (options.detach) {
            throw Error(Exit::usage, "--detach: the offline panel makes no calls, so there is "
                                     "nothing to submit (set the providers' API keys)");
        }
        if (!options.quiet) {
            err << "roundtable: --provider-batch: the offline panel makes no calls; its cards "
                   "are made here\n";
        }
    } else if (options.provider_batch) {
        jobs::RunnerOptions batch_runner;
        const bool must_record = options.detach || !options.collect_run.empty();
        if (run_store.store) {
            auto opened = options.collect_run.empty()
                              ? jobs::Journal::start(run_store.store, batch_options_json(options))
                              : jobs::Journal::resume(run_store.store, options.collect_run);
            if (opened) {
                journal.emplace(std::move(*opened));
                batch_runner.journal = &*journal;
            } else if (must_record) {
                throw Error(Exit::config, "provider batch: " + opened.error());
            } else {
                session::warning_sink(err)("provider batch: jobs not recorded: " + opened.error());
            }
        } else if (must_record) {
            throw Error(Exit::config, "provider batch: the store cannot be opened to record jobs");
        }
        batch_runner.detach = options.detach;
        batch_runner.finish_sync = options.finish_sync;
        std::chrono::seconds poll{30};
        for (const auto& seat : seats) {
            poll = std::min(poll, jobs::limits_of(seat.config.provider).poll);
        }
        batch_runner.poll =
            options.poll_seconds > 0
                ? std::chrono::milliseconds(static_cast<std::int64_t>(options.poll_seconds * 1000))
                : std::chrono::duration_cast<std::chrono::milliseconds>(poll);
        if (progress_kind == ProgressMode::live) { // the live line shows each provider's jobs
            batch_runner.on_job = [&](const jobs::JobEvent& job) {
                progress.on_job(
                    {job.provider, job.id, job.state, job.ended, job.done, job.requests});
            };
        } else if (!options.quiet) { // one line per job state change
            batch_runner.progress = [&](const std::string& line) {
                progress.message("roundtable: " + line);
            };
        }
        batch_transport = http::make_curl_transport();
        if (jobs::Sweeper::usable(seats, panel_options)) {
            sweeper = std::make_unique<jobs::Sweeper>(seats, panel_options, *batch_transport,
                                                      batch_runner);
        } else {
            // A worker only waits for its panel's jobs: many panels share each job.
            runner.jobs = std::max<std::size_t>(options.jobs, 256);
            broker =
                std::make_unique<jobs::Broker>(seats, panel_options, *batch_transport, batch_runner,
                                               std::chrono::milliseconds(200), runner.jobs);
        }
    }
    std::atomic<std::uint64_t> panels_started{0};
    std::mutex deferred_mutex;
    std::unordered_set<std::string> deferred; // ids of this sweep waiting for jobs
    hooks.run = [&](const batch::InputItem& item, const article::Article& article) {
        if (broker) {
            return broker->run(article);
        }
        if (sweeper) {
            if (auto card = sweeper->run(item.id, article)) {
                return std::move(*card);
            }
            const std::lock_guard lock(deferred_mutex);
            deferred.insert(item.id);
            throw batch::Deferred();
        }
        if (!seat_events) {
            return panel::run_panel(article, seats, panel_options);
        }
        // The same id can come twice from different inputs: a number keeps them apart.
        const std::string key = fmt::format("{}#{}", item.id, ++panels_started);
        panel::PanelOptions observed = panel_options;
        observed.observer = progress.observe(key, item.id);
        struct Forget {
            BatchProgress& progress;
            const std::string& key;
            ~Forget() { progress.finished(key); }
        } forget{progress, key};
        return panel::run_panel(article, seats, observed);
    };
    std::mutex records_mutex;
    std::vector<score::CardRecord> records; // for the score, when there are outcomes
    hooks.on_card = [&](const batch::InputItem& item, const panel::Card& card,
                        const std::string& card_json) {
        session::log_card(run_store, item.id, card, card_json);
        if (report) {
            report->add_card(item.id, card);
        }
        if (outcomes) {
            auto record = score::record_of(item.id, card);
            const std::lock_guard lock(records_mutex);
            records.push_back(std::move(record));
        }
    };
    batch::BatchTotals totals = batch::run_corpus(runner, hooks, writer, err);
    if (sweeper) {
        run_sweeps(*sweeper, runner, hooks, writer, err, totals, deferred, earlier);
    }
    progress.clear();
    if (journal) {
        const bool stopped = totals.interrupted > 0 || http::abort_requested();
        const bool detached = options.detach && !http::abort_requested() && stopped;
        journal->finish(detached ? "detached" : stopped ? "interrupted" : "done");
        if (!journal->warning().empty()) {
            session::warning_sink(err)("provider batch: " + journal->warning());
        }
        if (options.detach && !http::abort_requested()) {
            out << journal->run_id() << '\n';
            const bool all_written = journal->running() == 0 && totals.interrupted == 0;
            if (!options.quiet && all_written) {
                err << "roundtable: detached: nothing was left to submit (every article's "
                       "line is written)\n";
            } else if (!options.quiet) {
                err << fmt::format("roundtable: detached: {} jobs running at the providers; "
                                   "collect them with: roundtable jobs collect {}\n",
                                   journal->running(), journal->run_id());
            }
            broker.reset();
            session::finish_run_store(run_store);
            return 0;
        }
        if (stopped) {
            err << fmt::format("roundtable: {} jobs still running at the providers; collect "
                               "them with: roundtable jobs collect {}\n",
                               journal->running(), journal->run_id());
        }
    }
    err << batch::format_summary(totals);
    if ((broker || sweeper) && !options.quiet) {
        const jobs::RunnerStats stats = broker ? broker->stats() : sweeper->stats();
        err << fmt::format("roundtable: provider batch: {} jobs, {} requests submitted again, {} "
                           "answered directly\n",
                           stats.jobs, stats.resubmitted, stats.sync_calls);
    }
    broker.reset();
    sweeper.reset();

    if (report && outcomes) {
        score::Score scored = score::compute(records, *outcomes, options.band);
        scored.articles.failed = totals.failed;
        report->add_sections(score::html_sections(scored), score::html_style());
    }
    if (report) {
        auto written = report->write(options.report, totals);
        if (!written) {
            err << "roundtable: warning: --report: " << written.error() << '\n';
        }
    }

    session::finish_run_store(run_store);

    if (totals.interrupted > 0 || http::abort_requested()) {
        return static_cast<int>(Exit::interrupted);
    }
    if (!totals.policy_matches.empty()) {
        std::map<std::string, std::vector<std::string>> by_policy;
        for (const auto& [policy, id] : totals.policy_matches) {
            by_policy[policy].push_back(id);
        }
        for (const auto& [policy, ids] : by_policy) {
            err << fmt::format("roundtable: --fail-on {} matched {} article{}: {}\n", policy,
                               ids.size(), ids.size() == 1 ? "" : "s", fmt::join(ids, ", "));
        }
    }
    if (totals.worst_exit > 0) {
        return totals.worst_exit;
    }
    return totals.policy_matches.empty() ? 0 : static_cast<int>(Exit::policy);
}

} // namespace roundtable::commands

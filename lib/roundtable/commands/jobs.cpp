#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <ostream>
#include <roundtable/commands/jobs.hpp>
#include <roundtable/config/config.hpp>
#include <roundtable/guard/extract.hpp>
#include <roundtable/http/curl_transport.hpp>
#include <roundtable/jobs/client.hpp>
#include <roundtable/jobs/wire.hpp>
#include <roundtable/providers/codec.hpp>
#include <roundtable/store/store.hpp>
#include <roundtable/util/error.hpp>

namespace roundtable::commands {

namespace {

using nlohmann::json;

std::string age_of(std::int64_t seconds) {
    if (seconds < 0) {
        seconds = 0;
    }
    if (seconds < 120) {
        return fmt::format("{}s", seconds);
    }
    if (seconds < 7200) {
        return fmt::format("{}m", seconds / 60);
    }
    if (seconds < 2 * 86400) {
        return fmt::format("{}h", seconds / 3600);
    }
    return fmt::format("{}d", seconds / 86400);
}

store::Store open_store(const JobsOptions& options) {
    const std::string path =
        options.store_path.empty() ? store::Store::default_path() : options.store_path;
    store::OpenOptions open;
    open.create = false;
    auto opened = store::Store::open(path, open);
    if (!opened) {
        throw Error(Exit::config, fmt::format("jobs: {}", opened.error()));
    }
    return std::move(*opened);
}

store::BatchRun find_run(const store::Store& s, const std::string& id) {
    if (id.empty()) {
        throw Error(Exit::usage, "jobs: give a RUN id (roundtable jobs lists them)");
    }
    auto run = s.find_batch_run(id);
    if (!run) {
        throw Error(Exit::usage, fmt::format("jobs: {}", run.error()));
    }
    return std::move(*run);
}

std::vector<store::BatchJob> jobs_of(const store::Store& s, const std::string& run_id) {
    auto jobs = s.batch_jobs(run_id);
    if (!jobs) {
        throw Error(Exit::config, fmt::format("jobs: {}", jobs.error()));
    }
    return std::move(*jobs);
}

int list(const JobsOptions& options, const store::Store& s, std::ostream& out) {
    auto runs = s.batch_runs(options.limit);
    if (!runs) {
        throw Error(Exit::config, fmt::format("jobs: {}", runs.error()));
    }
    const std::int64_t now = s.now();
    json all = json::array();
    for (const auto& run : *runs) {
        const auto jobs = jobs_of(s, run.id);
        std::int64_t requests = 0, done = 0, failed = 0;
        std::size_t running = 0;
        for (const auto& job : jobs) {
            requests += job.requests;
            done += job.succeeded;
            failed += job.failed;
            running += job.ended ? 0 : 1;
        }
        if (options.json) {
            json j{{"run", run.id},
                   {"state", run.state},
                   {"created_at", run.created_at},
                   {"updated_at", run.updated_at},
                   {"jobs", json::array()}};
            for (const auto& job : jobs) {
                j["jobs"].push_back({{"seat", job.seat},
                                     {"provider", job.provider},
                                     {"base_url", job.base_url},
                                     {"job_id", job.job_id},
                                     {"pass", job.pass},
                                     {"state", job.state},
                                     {"ended", job.ended},
                                     {"collected", job.collected},
                                     {"requests", job.requests},
                                     {"done", job.succeeded},
                                     {"failed", job.failed},
                                     {"pending", std::max<std::int64_t>(
                                                     0, job.requests - job.succeeded - job.failed)},
                                     {"submitted_at", job.submitted_at},
                                     {"updated_at", job.updated_at}});
            }
            all.push_back(std::move(j));
            continue;
        }
        out << fmt::format("{}  {:<11} {:>5} ago  {} job{} ({} running), requests {} done / {} "
                           "failed / {} pending\n",
                           run.id, run.state, age_of(now - run.created_at), jobs.size(),
                           jobs.size() == 1 ? "" : "s", running, done, failed,
                           std::max<std::int64_t>(0, requests - done - failed));
        for (const auto& job : jobs) {
            out << fmt::format("  {:<8} {:<10} {:<28} pass {}  {:<12} {} done / {} failed / {} "
                               "pending  {} ago{}\n",
                               job.seat, job.provider, job.job_id, job.pass, job.state,
                               job.succeeded, job.failed,
                               std::max<std::int64_t>(0, job.requests - job.succeeded - job.failed),
                               age_of(now - job.submitted_at), job.collected ? "  collected" : "");
        }
    }
    if (options.json) {
        out << all.dump(2) << '\n';
    } else if (runs->empty()) {
        out << "no provider batch runs recorded (roundtable batch --provider-batch records "
               "them)\n";
    }
    return 0;
}

int cancel(const JobsOptions& options, store::Store& s, std::ostream& out, std::ostream& err) {
    const store::BatchRun run = find_run(s, options.run);
    const BatchOptions recorded = batch_options_from_json(run.options);
    config::PanelConfig config = config::load(recorded.overrides);
    auto transport = http::make_curl_transport();
    int canceled = 0, failed = 0;
    for (auto job : jobs_of(s, run.id)) {
        if (job.ended) {
            continue;
        }
        const providers::SeatConfig* seat = nullptr;
        for (const auto& candidate : config.seats) {
            if (candidate.name == job.seat && candidate.provider == job.provider) {
                seat = &candidate;
            }
        }
        auto protocol = jobs::protocol_of(job.provider);
        auto codec = providers::make_codec(job.provider);
        if (!seat || !protocol || !codec) {
            err << fmt::format("roundtable: jobs cancel: job {}: seat {} ({}) is not in the "
                               "configuration any more\n",
                               job.job_id, job.seat, job.provider);
            ++failed;
            continue;
        }
        providers::SeatConfig at = *seat;
        at.base_url = job.base_url;
        const char* key = at.api_key_env.empty() ? nullptr : std::getenv(at.api_key_env.c_str());
        jobs::Client client(*protocol, *codec, at, key ? key : "", *transport);
        auto status = client.cancel(job.job_id);
        if (!status) {
            err << fmt::format("roundtable: jobs cancel: job {}: {}\n", job.job_id,
                               status.error().describe());
            ++failed;
            continue;
        }
        job.state = status->state;
        job.ended = status->ended;
        job.succeeded = status->succeeded;
        job.failed = status->failed;
        (void)s.update_batch_job(job);
        ++canceled;
        out << fmt::format("{} {} job {}: {}\n", job.seat, job.provider, job.job_id, job.state);
    }
    (void)s.set_batch_run_state(run.id, "canceled");
    if (!options.quiet) {
        err << fmt::format("roundtable: run {}: {} job{} canceled, {} could not be\n", run.id,
                           canceled, canceled == 1 ? "" : "s", failed);
    }
    return failed > 0 ? static_cast<int>(Exit::quorum) : 0;
}

int collect(const JobsOptions& options, store::Store& s, std::ostream& out, std::ostream& err) {
    const store::BatchRun run = find_run(s, options.run);
    BatchOptions batch = batch_options_from_json(run.options);
    batch.collect_run = run.id;
    batch.detach = false;
    batch.provider_batch = true;
    batch.resume = !batch.jsonl.empty();
    batch.cache.no_cache = false; // collecting replays the run through the reply cache
    batch.cache.refresh = false;
    batch.quiet = options.quiet;
    batch.stderr_is_tty = options.stderr_is_tty;
    batch.progress = options.progress;
    batch.verbose = options.verbose;
    batch.width = options.width;
    if (options.poll_seconds > 0) {
        batch.poll_seconds = options.poll_seconds;
    }
    return run_batch(batch, out, err);
}

} // namespace

int run_jobs(const JobsOptions& options, std::ostream& out, std::ostream& err) {
    if (options.action != JobsOptions::Action::list && options.run.empty()) {
        throw Error(Exit::usage, "jobs: give a RUN id (roundtable jobs lists them)");
    }
    const std::string path =
        options.store_path.empty() ? store::Store::default_path() : options.store_path;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        if (options.action != JobsOptions::Action::list) {
            throw Error(Exit::usage, fmt::format("jobs: no batch run matches '{}' (no store at {})",
                                                 options.run, path));
        }
        out << (options.json ? "[]\n" : "no provider batch runs recorded (no store yet)\n");
        return 0;
    }
    store::Store s = open_store(options);
    switch (options.action) {
    case JobsOptions::Action::cancel:
        return cancel(options, s, out, err);
    case JobsOptions::Action::collect:
        return collect(options, s, out, err);
    default:
        return list(options, s, out);
    }
}

namespace {

// Sets j[name] to the value of `value`, if it has one.
template <typename T> void put_optional(json& j, const char* name, const std::optional<T>& value) {
    if (value) {
        j[name] = *value;
    }
}

// Sets `value` from j[name], if there is one; throws json::exception if it has another type.
template <typename T> void take_optional(const json& j, const char* name, std::optional<T>& value) {
    if (const auto it = j.find(name); it != j.end()) {
        value = it->get<T>();
    }
}

} // namespace

std::string batch_options_json(const BatchOptions& o) {
    const auto& v = o.overrides;
    json j{{"inputs", o.inputs},       {"jsonl", o.jsonl},
           {"jobs", o.jobs},           {"max_in_flight", o.max_in_flight},
           {"shard", o.shard},         {"fail_on", o.fail_on},
           {"report", o.report},       {"outcomes", o.outcomes},
           {"band", o.band},           {"no_cache", o.cache.no_cache},
           {"rebuttal", o.rebuttal},   {"anonymize", o.anonymize},
           {"max_bytes", o.max_bytes}, {"finish_sync", o.finish_sync},
           {"poll", o.poll_seconds},   {"panel", v.panel},
           {"models", v.models},       {"efforts", v.efforts},
           {"offline", v.offline}};
    put_optional(j, "prompts", o.prompts_dir);
    put_optional(j, "config", v.config_path);
    put_optional(j, "chair", v.chair);
    put_optional(j, "timeout", v.timeout_s);
    put_optional(j, "retries", v.retries);
    put_optional(j, "quorum", v.quorum);
    put_optional(j, "rpm", v.rpm);
    put_optional(j, "tpm", v.tpm);
    return j.dump();
}

BatchOptions batch_options_from_json(const std::string& text) {
    BatchOptions o;
    try {
        const json j = json::parse(text);
        j.at("inputs").get_to(o.inputs);
        j.at("jsonl").get_to(o.jsonl);
        j.at("jobs").get_to(o.jobs);
        j.at("max_in_flight").get_to(o.max_in_flight);
        j.at("shard").get_to(o.shard);
        j.at("fail_on").get_to(o.fail_on);
        j.at("report").get_to(o.report);
        j.at("outcomes").get_to(o.outcomes);
        j.at("band").get_to(o.band);
        j.at("no_cache").get_to(o.cache.no_cache);
        j.at("rebuttal").get_to(o.rebuttal);
        j.at("anonymize").get_to(o.anonymize);
        j.at("max_bytes").get_to(o.max_bytes);
        j.at("finish_sync").get_to(o.finish_sync);
        j.at("poll").get_to(o.poll_seconds);
        auto& v = o.overrides;
        j.at("panel").get_to(v.panel);
        j.at("models").get_to(v.models);
        j.at("efforts").get_to(v.efforts);
        j.at("offline").get_to(v.offline);
        take_optional(j, "prompts", o.prompts_dir);
        take_optional(j, "config", v.config_path);
        take_optional(j, "chair", v.chair);
        take_optional(j, "timeout", v.timeout_s);
        take_optional(j, "retries", v.retries);
        take_optional(j, "quorum", v.quorum);
        take_optional(j, "rpm", v.rpm);
        take_optional(j, "tpm", v.tpm);
    } catch (const json::exception& e) {
        throw Error(Exit::config, fmt::format("jobs: the run's recorded options are unreadable "
                                              "({})",
                                              guard::json_error_message(e)));
    }
    o.provider_batch = true;
    return o;
}

} // namespace roundtable::commands

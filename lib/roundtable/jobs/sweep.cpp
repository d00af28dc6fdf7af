#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <roundtable/http/abort.hpp>
#include <roundtable/jobs/fleet.hpp>
#include <roundtable/jobs/journal.hpp>
#include <roundtable/jobs/sweep.hpp>
#include <roundtable/jobs/wire.hpp>
#include <roundtable/providers/caching.hpp>
#include <roundtable/util/error.hpp>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace roundtable::jobs {

namespace fs = std::filesystem;

namespace {

// What a sweep knows of one request (by cache key) between sweeps.
struct KeyState {
    int submissions = 0;      // times it went into a job (or was adopted)
    bool queued = false;      // in a job of the coming flush
    bool sync = false;        // given up on in batch: call it directly (finish_sync)
    bool final = false;       // given up on: its failure (in failures) answers the panel
    bool batch_reply = false; // its reply came back in a job of this run
    bool sync_reply = false;  // it was called directly in this run (finish_sync)
};

// A cache key (64 hex digits) as the 128 bits of its first half: what a sweep keeps per
// request between sweeps is a few dozen bytes, so 90,000 requests fit in a few MB.
struct ShortKey {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    bool operator==(const ShortKey&) const = default;
};

struct ShortKeyHash {
    std::size_t operator()(const ShortKey& k) const noexcept {
        return static_cast<std::size_t>(k.high ^ (k.low * 0x9e3779b97f4a7c15ULL));
    }
};

ShortKey short_key(std::string_view hex) {
    ShortKey k;
    for (std::size_t i = 0; i < 32 && i < hex.size(); ++i) {
        const char c = hex[i];
        const std::uint64_t digit = c >= '0' && c <= '9' ? static_cast<std::uint64_t>(c - '0')
                                    : c >= 'a' && c <= 'f'
                                        ? static_cast<std::uint64_t>(c - 'a' + 10)
                                        : static_cast<std::uint64_t>(c & 0xf);
        std::uint64_t& word = i < 16 ? k.high : k.low;
        word = (word << 4) | digit;
    }
    return k;
}

// The next job of one seat, being written: its spool file and what it holds.
struct Spool {
    std::size_t seat = 0;
    std::string path;
    std::FILE* file = nullptr;
    std::size_t count = 0;
    std::size_t bytes = 0;
    std::map<std::string, Pending> requests; // by custom id
};

// Returns `request` without what only building its body needs (the prompts and the schema):
// what parsing its reply needs, kept while it is in a job.
providers::Request parse_only(const providers::Request& request) {
    providers::Request light;
    light.round = request.round;
    light.schema_name = request.schema_name;
    light.max_tokens = request.max_tokens;
    light.effort = request.effort;
    light.temperature = request.temperature;
    return light;
}

} // namespace

struct Sweeper::Impl {
    const std::vector<panel::Seat>& seats;
    const panel::PanelOptions& options;
    Fleet fleet;
    fs::path dir;

    std::mutex mutex; // guards everything below
    std::unordered_map<ShortKey, KeyState, ShortKeyHash> keys;
    std::unordered_map<std::string, providers::Failure> failures; // by cache key
    std::unordered_map<std::string, std::size_t> ordinals;        // article id -> number
    std::vector<Spool> open;                                      // per seat
    std::vector<Spool> ready;                                     // full, to submit
    std::map<std::int64_t, Job> adopted; // recorded jobs taken over, by journal row
    std::size_t spooled_files = 0;
    std::atomic<int> sync_calls{0};
    bool detached = false;

    Impl(const std::vector<panel::Seat>& s, const panel::PanelOptions& o, http::Transport& t,
         const RunnerOptions& r)
        : seats(s), options(o), fleet(s, o, t, r), open(s.size()) {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern =
            (fs::path(tmp && *tmp ? tmp : "/tmp") / "roundtable-batch-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw Error(Exit::config, fmt::format("provider batch: cannot make a spool folder "
                                                  "{}: {}",
                                                  pattern, std::strerror(errno)));
        }
        dir = pattern;
        for (std::size_t i = 0; i < open.size(); ++i) {
            open[i].seat = i;
        }
    }

    ~Impl() {
        for (auto* list : {&open, &ready}) {
            for (auto& spool : *list) {
                if (spool.file != nullptr) {
                    std::fclose(spool.file);
                }
            }
        }
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }

    // Closes the seat's open spool (if it holds anything) and queues it for submission.
    void close(Spool& spool) {
        if (spool.file == nullptr) {
            return;
        }
        std::fclose(spool.file);
        spool.file = nullptr;
        ready.push_back(std::move(spool));
        const std::size_t seat = ready.back().seat;
        spool = Spool{};
        spool.seat = seat;
    }

    // Writes `request`'s line into the seat's spool (a new job's when the open one is full),
    // unless it is in a job of the coming flush already; adopts a recorded job's line instead
    // when the journal has one. Throws Error(Exit::config) when the spool cannot be written.
    void spool(std::size_t ordinal, std::size_t seat, const std::string& key,
               const providers::Request& request) {
        {
            const std::lock_guard lock(mutex);
            KeyState& state = keys[short_key(key)];
            if (state.queued) {
                return; // another article asked the same: one answer serves both
            }
            state.queued = true;
            ++state.submissions;
            if (Journal* journal = fleet.runner().journal) {
                if (auto line = journal->adopt(key)) {
                    Job& job = adopted[line->row];
                    job.seat = seat;
                    job.row = line->row;
                    job.adopted = true;
                    job.status.id = line->job_id;
                    job.requests.emplace(line->custom_id,
                                         Pending{ordinal, seat, parse_only(request), key});
                    return;
                }
            }
        }
        const std::string id = fleet.next_id(ordinal, seat);
        std::string line = fleet.line_for(seat, id, request);
        line += '\n';
        const std::lock_guard lock(mutex);
        Spool& spool = open[seat];
        const Limits& limits = fleet.limits(seat);
        if (spool.file != nullptr &&
            (spool.count >= limits.max_requests || spool.bytes + line.size() > limits.max_bytes)) {
            close(spool);
        }
        if (spool.file == nullptr) {
            spool.path = (dir / fmt::format("s{}-{}.jsonl", seat, ++spooled_files)).string();
            spool.file = std::fopen(spool.path.c_str(), "wb");
        }
        if (spool.file == nullptr ||
            std::fwrite(line.data(), 1, line.size(), spool.file) != line.size()) {
            const std::string why = std::strerror(errno);
            KeyState& state = keys[short_key(key)];
            state.queued = false;
            --state.submissions;
            throw Error(
                Exit::config,
                fmt::format("provider batch: cannot write the spool file {}: {}", spool.path, why));
        }
        ++spool.count;
        spool.bytes += line.size();
        spool.requests.emplace(id, Pending{ordinal, seat, parse_only(request), key});
    }

    // Returns the answer to `request` of `seat` known now, or nullopt once it is spooled.
    std::optional<std::expected<providers::Reply, providers::Failure>>
    resolve(std::size_t ordinal, std::size_t seat, const providers::Request& request) {
        if (!fleet.batched(seat)) { // no batch API for this seat: call it now
            ++sync_calls;
            return seats[seat].provider->complete(request);
        }
        providers::CachingProvider* cache = fleet.cache(seat);
        const std::string key = cache->key_for(request);
        KeyState state;
        {
            const std::lock_guard lock(mutex);
            if (auto it = keys.find(short_key(key)); it != keys.end()) {
                state = it->second;
                if (state.final) {
                    return std::unexpected(failures.at(key));
                }
            }
        }
        if (auto hit = cache->lookup(key)) { // the key is computed once per call
            if (state.batch_reply) { // billed at the batch price in this run, not a cache hit
                hit->cached = false;
                hit->batch = true;
                hit->attempts = 1;
            } else if (state.sync_reply) { // called directly in this run
                hit->cached = false;
                hit->attempts = 1;
            }
            return std::move(*hit);
        }
        if (state.sync) {
            ++sync_calls;
            auto reply = seats[seat].provider->complete(request); // the cache keeps it
            const std::lock_guard lock(mutex);
            keys[short_key(key)].sync_reply = reply.has_value();
            return reply;
        }
        if (state.batch_reply) { // the store did not keep it (its warning says why)
            providers::Failure f;
            f.provider = seats[seat].config.provider;
            f.type = "cache";
            f.message = "the batch reply could not be kept in the reply cache";
            f.batch = true;
            return std::unexpected(std::move(f));
        }
        spool(ordinal, seat, key, request);
        return std::nullopt;
    }

    // Records what a job's line came back as, for the next sweep.
    void settle(Pending& p, std::expected<providers::Reply, providers::Failure> result,
                bool trouble) {
        KeyState& state = keys[short_key(p.key)];
        state.queued = false;
        if (result) {
            fleet.cache(p.seat)->remember(p.key, *result);
            state.batch_reply = true;
            return;
        }
        if (trouble) {
            ++fleet.stats.failed_lines;
            if (state.submissions < fleet.runner().max_attempts) {
                ++fleet.stats.resubmitted; // spooled again at the next sweep
                return;
            }
            if (fleet.runner().finish_sync) {
                state.sync = true;
                return;
            }
        }
        state.final = true;
        failures[p.key] = std::move(result.error());
    }
};

bool Sweeper::usable(const std::vector<panel::Seat>& seats, const panel::PanelOptions& options) {
    if (options.offline) {
        return false;
    }
    for (const auto& seat : seats) {
        if (!protocol_of(seat.config.provider)) {
            continue;
        }
        auto* cache = dynamic_cast<providers::CachingProvider*>(seat.provider.get());
        if (cache == nullptr || cache->mode() != providers::CacheMode::read_write) {
            return false;
        }
    }
    return true;
}

Sweeper::Sweeper(const std::vector<panel::Seat>& seats, const panel::PanelOptions& options,
                 http::Transport& transport, const RunnerOptions& runner)
    : m_impl(std::make_unique<Impl>(seats, options, transport, runner)) {}

Sweeper::~Sweeper() = default;

std::optional<panel::Card> Sweeper::run(const std::string& id, const article::Article& article) {
    check_abort();
    std::size_t ordinal = 0;
    {
        const std::lock_guard lock(m_impl->mutex);
        ordinal = m_impl->ordinals.try_emplace(id, m_impl->ordinals.size()).first->second;
    }
    panel::PanelRun run(article, m_impl->seats, m_impl->options);
    for (;;) {
        // Answer every seat of the stage as far as the known answers go (a repair or a
        // budget retry is a further call of the same seat).
        std::vector<bool> parked(m_impl->seats.size(), false);
        bool waiting = false;
        for (bool moved = true; moved;) {
            moved = false;
            for (std::size_t s : run.active_seats()) {
                if (parked[s]) {
                    continue;
                }
                auto request = run.next_call(s);
                if (!request) {
                    continue;
                }
                auto answer = m_impl->resolve(ordinal, s, *request);
                if (!answer) {
                    parked[s] = true;
                    waiting = true;
                    continue;
                }
                run.answer(s, std::move(*answer));
                moved = true;
            }
        }
        if (waiting) {
            return std::nullopt; // dropped; rebuilt from the cache at the next sweep
        }
        if (!run.stage_settled()) {
            throw std::logic_error("provider batch: a panel stage neither settled nor waits");
        }
        while (run.stage() != panel::PanelRun::Stage::done && run.stage_settled()) {
            run.advance();
        }
        if (run.stage() == panel::PanelRun::Stage::done) {
            return run.take_card();
        }
    }
}

std::size_t Sweeper::flush() {
    Impl& impl = *m_impl;
    Fleet& fleet = impl.fleet;
    ++fleet.stats.passes;
    for (auto& spool : impl.open) {
        impl.close(spool);
    }
    std::vector<Job> jobs;
    std::size_t out = 0;
    for (auto& spool : impl.ready) {
        if (http::abort_requested()) {
            break; // what is not submitted yet stays unsubmitted: nothing to lose
        }
        Job job;
        job.seat = spool.seat;
        job.requests = std::move(spool.requests);
        std::vector<store::BatchRequest> recorded; // for the journal, only while submitting
        if (fleet.runner().journal) {
            recorded.reserve(job.requests.size());
            for (const auto& [id, p] : job.requests) {
                recorded.push_back({0, id, p.key});
            }
        }
        auto submitted = fleet.submit(job, {}, spool.path, recorded);
        recorded = {};
        std::error_code ignored;
        fs::remove(spool.path, ignored);
        if (!submitted) {
            for (auto& [id, p] : job.requests) { // the job never started
                impl.settle(p, std::unexpected(submitted.error()), true);
            }
            continue;
        }
        out += job.requests.size();
        jobs.push_back(std::move(job));
    }
    impl.ready.clear();
    if (fleet.runner().detach && !jobs.empty()) {
        impl.detached = true;
        return out;
    }
    for (auto& [row, job] : impl.adopted) {
        out += job.requests.size();
        jobs.push_back(std::move(job));
    }
    impl.adopted.clear();
    fleet.wait(jobs);
    for (auto& job : jobs) {
        fleet.collect(job, [&](Pending& p, auto result, bool trouble) {
            impl.settle(p, std::move(result), trouble);
        });
    }
    return out;
}

bool Sweeper::detached() const {
    return m_impl->detached;
}

std::string Sweeper::folder() const {
    return m_impl->dir.string();
}

RunnerStats Sweeper::stats() const {
    RunnerStats stats = m_impl->fleet.stats;
    stats.sync_calls += m_impl->sync_calls.load();
    return stats;
}

} // namespace roundtable::jobs

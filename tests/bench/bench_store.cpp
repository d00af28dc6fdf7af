// Benchmark: what keeping the store bounded costs a card run (issue 16).
//
// Builds a store of about 100 MB (20,000 replies of 4 KB over the last 20 days,
// 2,000 logged cards of 8 KB), then times an offline card run of the built binary
// on a fresh copy of it, several times each, with the store
//   - within its limits (the common case: the end-of-run step only checks),
//   - 5 MiB over cache_max_mb,
//   - with half its replies past cache_max_age_days (a 5,000-row step),
//   - due for its weekly quick_check,
// and prints the medians and their ratio to the first. Also times Store::enforce
// and quick_check in-process. Figures only: no assertions.
//
//   bench_store [replies]    (default 20000)
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <roundtable/store/store.hpp>
#include <sqlite3.h>
#include <string>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using roundtable::testing::TempDir;

namespace {

constexpr std::int64_t k_day = 86400;
constexpr int k_runs = 7;

std::int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void exec(sqlite3* db, const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        fmt::print(stderr, "sqlite: {}\n", message ? message : "?");
        std::exit(1);
    }
}

// Creates the template store at `path` through roundtable's own Store (schema,
// modes, auto-vacuum), then fills it in bulk.
void build_template(const fs::path& path, int replies) {
    {
        auto store = roundtable::store::Store::open(path.string());
        if (!store) {
            fmt::print(stderr, "{}\n", store.error());
            std::exit(1);
        }
    }
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    const std::int64_t now = now_s();
    exec(db, "BEGIN");
    exec(db, fmt::format("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i "
                         "< {}) INSERT INTO replies (key, text, model, finish_reason, request_id, "
                         "input_tokens, output_tokens, cached_tokens, cache_write_tokens, "
                         "created_at) SELECT printf('%064d', i), "
                         "hex(randomblob(2048)), 'model', 'stop', 'req', 1000, 300, 0, 0, "
                         "{} - (i * {}) / {} FROM n",
                         replies, now, 20 * k_day, replies));
    exec(db, fmt::format("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i "
                         "< {}) INSERT INTO cards (id, title, source, stance, vote, cost_usd, "
                         "created_at, card_json) SELECT hex(randomblob(16)), 'title', 'source', "
                         "'bearish', '3-1', 0.01, {} - (i * {}) / {}, hex(randomblob(4096)) "
                         "FROM n",
                         replies / 10, now, 20 * k_day, replies / 10));
    exec(db,
         fmt::format("INSERT OR REPLACE INTO meta (key, value) VALUES ('checked_at', {})", now));
    exec(db, "COMMIT");
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
}

// Copies `from` to `to` (0600, in a 0700 folder) and flushes it to disk, so the first
// fsync of the run under test does not pay for writing the copy.
void copy_synced(const fs::path& from, const fs::path& to) {
    fs::create_directories(to.parent_path());
    fs::permissions(to.parent_path(), fs::perms::owner_all);
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write);
    const int fd = ::open(to.c_str(), O_RDONLY);
    ::fsync(fd);
    ::close(fd);
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

struct Case {
    std::string label;
    std::string store_toml;  // the [store] table
    std::string prepare_sql; // run on the copy before the card
};

double time_card(const TempDir& dir, const fs::path& template_db, const Case& c) {
    const fs::path cache = dir.path() / "cache";
    const fs::path db = cache / "roundtable" / "roundtable.db";
    const fs::path config = dir.write("config.toml", c.store_toml);
    std::vector<double> times;
    for (int i = 0; i < k_runs; ++i) {
        fs::remove_all(cache);
        copy_synced(template_db, db);
        if (!c.prepare_sql.empty()) {
            sqlite3* raw = nullptr;
            sqlite3_open(db.c_str(), &raw);
            exec(raw, c.prepare_sql);
            sqlite3_close(raw);
            ::sync();
        }
        roundtable::testing::RunSpec spec;
        spec.args = {roundtable::testing::source_path("examples/bearish-truck-recall.txt"),
                     "--offline",
                     "--config",
                     config.string(),
                     "--format",
                     "json"};
        spec.env["XDG_CACHE_HOME"] = cache.string();
        const auto start = std::chrono::steady_clock::now();
        const auto result = roundtable::testing::run_binary(spec);
        times.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
        if (result.exit_code != 0 || !result.err.empty()) {
            fmt::print(stderr, "{}: exit {}: {}\n", c.label, result.exit_code, result.err);
        }
    }
    return median(times);
}

template <class F> double time_ms(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

} // namespace

int main(int argc, char** argv) {
    const int replies = argc > 1 ? std::atoi(argv[1]) : 20000;
    TempDir dir;
    const fs::path template_db = dir.path() / "template.db";
    fmt::print("building a store of {} replies and {} cards...\n", replies, replies / 10);
    build_template(template_db, replies);
    const auto mib = static_cast<std::int64_t>(fs::file_size(template_db) / (1024 * 1024));
    fmt::print("store: {} MiB on disk\n\n", mib);

    const std::vector<Case> cases{
        {"within limits (check only)", "[store]\ncache_max_mb = 1024\n", ""},
        {"an empty store, for comparison", "[store]\ncache_max_mb = 1024\n",
         "DELETE FROM replies; DELETE FROM cards; VACUUM"},
        {"5 MiB over cache_max_mb", fmt::format("[store]\ncache_max_mb = {}\n", mib - 5), ""},
        {"half the replies too old (5k-row step)", "[store]\ncache_max_age_days = 10\n", ""},
        {"weekly quick_check due", "[store]\ncache_max_mb = 1024\n",
         "DELETE FROM meta WHERE key = 'checked_at'"},
    };
    fmt::print("offline card run on a copy of the store, median of {} (ms, ratio to the first)\n",
               k_runs);
    double base = 0;
    for (const auto& c : cases) {
        const double ms = time_card(dir, template_db, c);
        if (base == 0) {
            base = ms;
        }
        fmt::print("  {:<44} {:8.1f} ms  x{:.2f}\n", c.label, ms, ms / base);
    }

    fmt::print("\nin-process, on a copy of the store (ms)\n");
    const fs::path copy = dir.path() / "copy.db";
    const auto fresh = [&] {
        copy_synced(template_db, copy);
        auto store = roundtable::store::Store::open(copy.string());
        return std::move(*store);
    };
    {
        auto store = fresh();
        roundtable::store::Limits limits;
        fmt::print("  enforce, within limits            {:8.2f}\n", time_ms([&] {
                       (void)store.enforce(limits, roundtable::store::Effort::incremental);
                   }));
    }
    {
        auto store = fresh();
        roundtable::store::Limits limits;
        limits.max_bytes = (mib - 5) * 1024 * 1024;
        fmt::print("  enforce, 5 MiB over the cap       {:8.2f}\n", time_ms([&] {
                       (void)store.enforce(limits, roundtable::store::Effort::incremental);
                   }));
    }
    {
        auto store = fresh();
        roundtable::store::Limits limits;
        limits.max_bytes = 0;
        limits.reply_max_age_s = 10 * k_day;
        fmt::print("  enforce, half the replies expired {:8.2f}\n", time_ms([&] {
                       (void)store.enforce(limits, roundtable::store::Effort::incremental);
                   }));
    }
    {
        auto store = fresh();
        fmt::print("  quick_check                       {:8.2f}\n",
                   time_ms([&] { (void)store.check_integrity(); }));
    }
    {
        auto store = fresh();
        fmt::print("  clear                             {:8.2f}\n",
                   time_ms([&] { (void)store.clear(); }));
    }
    return 0;
}

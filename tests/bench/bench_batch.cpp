// Benchmark of corpus mode: N articles through the full four-seat panel against
// the loopback fake provider server (100 ms per call, --max-in-flight 8). Prints
// the wall time against the ideal the limits allow, the TCP connections the
// server saw, peak RSS at 200 and 2,000 articles, and the warm-cache rerun in
// cards per second; `sync` prints the synchronous path's CPU and threads per
// extra panel, and the CPU the same requests cost through the transport alone;
// `provider` puts 10,000 articles through --provider-batch (jobs of
// 1 s) and prints wall time, peak RSS, jobs and the cost per card both ways.
// Prints figures only; asserts nothing.
#include "peak_rss.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fake/fake_batch.hpp>
#include <fake/fake_server.hpp>
#include <fake/replies.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <roundtable/http/curl_transport.hpp>
#include <spawn.h>
#include <sstream>
#include <support/temp_dir.hpp>
#include <sys/resource.h>
#include <sys/wait.h>
#include <vector>

extern char** environ;

using namespace roundtable::testing;
using nlohmann::json;

namespace {

// The issue's benchmark: 100 ms per call, 200 and 2,000 articles. `bench_batch [LATENCY_MS
// [N...]]` overrides them (a short latency and several sizes show how memory grows with the
// corpus, quickly), and RT_BENCH_WRAPPER=/usr/bin/heaptrack runs roundtable under that program.
constexpr std::chrono::milliseconds k_default_latency{100};
constexpr int k_in_flight = 8;
constexpr int k_server_workers = 64; // tests/fake/fake_server.cpp

std::string object_for(const std::string& body) {
    if (body.find("Task: you chair the panel") != std::string::npos) {
        return json{{"summary", "The panel is bearish."},
                    {"risk", "Cash burn."},
                    {"opportunity", "Loyal buyers."}}
            .dump();
    }
    if (body.find("Task: the other panelists") != std::string::npos) {
        return json{{"responds_to", {"grok"}},
                    {"headline", "The recall matters"},
                    {"text", "The recall is the larger problem."},
                    {"stance_after", "bearish"},
                    {"confidence_after", 0.7}}
            .dump();
    }
    return json{{"stance", "bearish"},
                {"confidence", 0.8},
                {"headline", "The recall weighs on Corvane"},
                {"analysis", "Shares fell 23% in early trading."},
                {"counterpoint", "Buyers may stay loyal."},
                {"evidence", {"Shares fell 23% in early trading"}}}
        .dump();
}

std::string tool_for(const std::string& body) {
    if (body.find("Task: you chair the panel") != std::string::npos) {
        return "submit_consensus";
    }
    return body.find("Task: the other panelists") != std::string::npos ? "submit_rebuttal"
                                                                       : "submit_take";
}

struct Measured {
    int status = -1;
    double seconds = 0;
    long peak_rss_kib = 0;
    double cpu_seconds = 0; // user + system
    double system_seconds = 0;
    long threads = -1; // threads created (RT_COUNT_THREADS), -1: not counted
};

// Runs the binary with `args` and extra environment; returns its wall time and peak RSS.
Measured run(const std::vector<std::string>& args, const std::vector<std::string>& env_extra) {
    std::vector<std::string> argv_s{RT_BINARY};
    if (const char* wrapper = std::getenv("RT_BENCH_WRAPPER")) { // e.g. /usr/bin/heaptrack
        argv_s.insert(argv_s.begin(), wrapper);
    }
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::vector<std::string> env_s =
        env_extra; // first, so getenv() finds them before inherited ones
    for (char** e = environ; *e; ++e) {
        env_s.emplace_back(*e);
    }
    std::vector<char*> envp;
    for (auto& e : env_s) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    Measured m;
    auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return m;
    }
    posix_spawn_file_actions_destroy(&actions);
    roundtable::bench::PeakRss peak(pid); // see peak_rss.hpp for why not ru_maxrss
    int status = 0;
    struct rusage usage {};
    wait4(pid, &status, 0, &usage);
    m.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                    static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    m.peak_rss_kib = peak.stop();
    return m;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The synchronous path's cost per panel: `panels` articles at --jobs 8 and --max-in-flight 8
// against the fake server at no latency; returns the run, with its CPU time and the threads it
// created (an LD_PRELOAD library counts pthread_create).
Measured run_counted(TempDir& dir, const std::string& config, int panels) {
    const std::string base = slurp(RT_SOURCE_DIR "/examples/bearish-truck-recall.txt");
    const auto folder = fmt::format("sync-{}", panels);
    for (int i = 0; i < panels; ++i) {
        dir.write(fmt::format("{}/story-{:04}.txt", folder, i),
                  base + fmt::format("\nFiled as story {}.\n", i));
    }
    const auto count_file = (dir.path() / fmt::format("threads-{}", panels)).string();
    const std::vector<std::string> env{"ANTHROPIC_API_KEY=bench-anthropic",
                                       "OPENAI_API_KEY=bench-openai",
                                       "GEMINI_API_KEY=bench-gemini",
                                       "XAI_API_KEY=bench-xai",
                                       "XDG_CACHE_HOME=" + (dir.path() / "cache-sync").string(),
                                       std::string("LD_PRELOAD=") + RT_COUNT_THREADS,
                                       "RT_THREADS_FILE=" + count_file};
    Measured m = run({"batch", (dir.path() / folder).string(), "--config", config, "--jsonl",
                      (dir.path() / (folder + ".jsonl")).string(), "--jobs", "8", "--max-in-flight",
                      "8", "--no-cache", "-q"},
                     env);
    const std::string counted = slurp(count_file);
    m.threads = counted.empty() ? -1 : std::atol(counted.c_str());
    return m;
}

// The HTTP floor: the same requests (method, path, body) sent through roundtable's own transport
// (http::make_curl_transport) one after another from one thread, with nothing else done, in a
// child process (`bench_batch --floor BASE_URL DIR COUNT`); returns its run, with its CPU time.
Measured run_floor(TempDir& dir, const std::string& base_url,
                   const std::vector<RecordedRequest>& requests, std::size_t count) {
    const std::string folder = fmt::format("floor-{}", count);
    for (std::size_t i = 0; i < count; ++i) {
        dir.write(fmt::format("{}/request-{}", folder, i),
                  requests[i].method + "\n" + requests[i].path + "\n" + requests[i].body);
    }
    std::vector<std::string> argv_s{"/proc/self/exe", "--floor", base_url,
                                    (dir.path() / folder).string(), std::to_string(count)};
    std::vector<char*> argv;
    for (auto& a : argv_s) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    Measured m;
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
        return m;
    }
    int status = 0;
    struct rusage usage {};
    wait4(pid, &status, 0, &usage);
    m.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                    static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    m.system_seconds = static_cast<double>(usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_stime.tv_usec) / 1e6;
    m.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return m;
}

// The child of run_floor(): sends DIR's COUNT requests to BASE_URL; exit 0 when every one got a
// 2xx response.
int floor_main(const std::string& base_url, const std::string& folder, std::size_t count) {
    auto transport = roundtable::http::make_curl_transport();
    int failed = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::string text = slurp(fmt::format("{}/request-{}", folder, i));
        const std::size_t first = text.find('\n');
        const std::size_t second = text.find('\n', first + 1);
        roundtable::http::Request request;
        request.method = text.substr(0, first);
        request.url = base_url + text.substr(first + 1, second - first - 1);
        request.headers.push_back({"content-type", "application/json"});
        request.body = text.substr(second + 1);
        const auto response = transport->perform(request);
        failed += response && response->status / 100 == 2 ? 0 : 1;
    }
    return failed == 0 ? 0 : 1;
}

} // namespace

// What a JSONL of cards holds: cards, failed articles, and the cost figures of the cards.
struct CardsRead {
    std::size_t cards = 0;
    std::size_t failed = 0;
    double cost = 0.0;
};

CardsRead read_cards(const std::string& path) {
    CardsRead out;
    std::ifstream in(path, std::ios::binary);
    for (std::string line; std::getline(in, line);) {
        auto j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.contains("card")) {
            ++out.failed;
            continue;
        }
        ++out.cards;
        out.cost += j["card"]["usage"].value("cost_usd", 0.0);
    }
    return out;
}

// The issue's batch benchmark: `articles` through --provider-batch on the fake server's batch
// protocols with `job_time` per job, then the same corpus synchronously (no latency) for the
// cost figure per card both ways.
void bench_provider_batch(FakeServer& server, TempDir& dir, const std::string& config, int articles,
                          std::chrono::milliseconds job_time) {
    FakeBatch batch(server, job_time);
    // xAI's batch lines carry what they were billed too; xAI documents only "reduced pricing",
    // so the share is this bench's assumption (the other three bill exactly half).
    constexpr double k_xai_batch_share = 0.5;
    batch.set_billed_share(k_xai_batch_share);
    const std::string base = slurp(RT_SOURCE_DIR "/examples/bearish-truck-recall.txt");
    const std::string folder = fmt::format("provider-{}", articles);
    for (int i = 0; i < articles; ++i) {
        dir.write(fmt::format("{}/story-{:05}.txt", folder, i),
                  base + fmt::format("\nFiled as story {}.\n", i));
    }
    const std::string corpus = (dir.path() / folder).string();
    const std::vector<std::string> env{
        "ANTHROPIC_API_KEY=bench-anthropic", "OPENAI_API_KEY=bench-openai",
        "GEMINI_API_KEY=bench-gemini", "XAI_API_KEY=bench-xai",
        "XDG_CACHE_HOME=" + (dir.path() / "cache-provider").string()};
    const std::string batch_out = (dir.path() / "provider-batch.jsonl").string();
    std::fflush(stdout);
    const Measured b = run({"batch", corpus, "--config", config, "--jsonl", batch_out,
                            "--provider-batch", "--poll", "0.5", "-q"},
                           env);
    const CardsRead bc = read_cards(batch_out);
    fmt::print("bench_batch: --provider-batch, {} articles, fake jobs of {} ms, poll 0.5 s\n"
               "  exit {}, wall {:.1f} s, CPU {:.1f} s, peak RSS {:.1f} MiB (target < 64)\n"
               "  {} jobs submitted, {} request lines, largest job {} lines; {} cards, {} failed\n",
               articles, job_time.count(), b.status, b.seconds, b.cpu_seconds,
               static_cast<double>(b.peak_rss_kib) / 1024.0, batch.jobs_created(),
               batch.lines_submitted(), batch.largest_job(), bc.cards, bc.failed);
    const std::string sync_out = (dir.path() / "provider-sync.jsonl").string();
    server.reset_stats();
    std::fflush(stdout);
    const Measured s = run({"batch", corpus, "--config", config, "--jsonl", sync_out, "--jobs",
                            "16", "--max-in-flight", "8", "--no-cache", "-q"},
                           env);
    const CardsRead sc = read_cards(sync_out);
    const double batch_per_card = bc.cost / static_cast<double>(std::max<std::size_t>(1, bc.cards));
    const double sync_per_card = sc.cost / static_cast<double>(std::max<std::size_t>(1, sc.cards));
    fmt::print("  synchronous, same corpus, fake at 0 ms: exit {}, wall {:.1f} s, peak RSS {:.1f} "
               "MiB, {} cards\n"
               "  cost per card: batch ${:.5f}, synchronous ${:.5f}: {:.3f}x (target <= 0.5; "
               "grok's cost is what its replies say they were billed, its batch lines at {} of "
               "it by assumption)\n",
               s.status, s.seconds, static_cast<double>(s.peak_rss_kib) / 1024.0, sc.cards,
               batch_per_card, sync_per_card, batch_per_card / std::max(sync_per_card, 1e-12),
               k_xai_batch_share);
}

int main(int argc, char** argv) {
    std::chrono::milliseconds latency = k_default_latency;
    if (argc == 5 && std::string(argv[1]) == "--floor") {
        return floor_main(argv[2], argv[3], static_cast<std::size_t>(std::atol(argv[4])));
    }
    std::vector<int> sizes{200, 2000};
    const bool sync_only = argc > 1 && std::string(argv[1]) == "sync";
    const bool provider_only = argc > 1 && std::string(argv[1]) == "provider";
    if (argc > 1 && !sync_only && !provider_only) {
        latency = std::chrono::milliseconds(std::atoi(argv[1]));
    }
    if (argc > 2 && !sync_only && !provider_only) {
        sizes.clear();
        for (int i = 2; i < argc; ++i) {
            sizes.push_back(std::atoi(argv[i]));
        }
    }
    if (latency.count() < 0 ||
        std::any_of(sizes.begin(), sizes.end(), [](int n) { return n < 1; })) {
        std::fprintf(stderr, "usage: bench_batch [LATENCY_MS [ARTICLES...]] | bench_batch sync | "
                             "bench_batch provider [ARTICLES [JOB_MS]]\n");
        return 2;
    }
    FakeServer server;
    std::atomic<long> latency_ms{0}; // the synchronous section runs first, at no latency
    auto slow = [&latency_ms](Scripted s) {
        s.latency = std::chrono::milliseconds(latency_ms.load());
        return s;
    };
    server.set_handler("/v1/messages", [&](const RecordedRequest& r) {
        return slow(json_reply(
            200, anthropic_tool_reply(tool_for(r.body), object_for(r.body), {1200, 300, 0, 0, 0})));
    });
    server.set_handler("/v1/chat/completions", [&](const RecordedRequest& r) {
        return slow(json_reply(200, openai_text_reply(object_for(r.body), {1000, 200, 0, 0, 0})));
    });
    server.set_handler("/xai/v1/chat/completions", [&](const RecordedRequest& r) {
        // Every xAI reply says what it was billed (usage.cost_in_usd_ticks, 1e-10 USD); here
        // grok-4's list price of 1,000 tokens in and 200 out ($3 and $15 per million): $0.006.
        json reply = json::parse(
            openai_text_reply(object_for(r.body), {1000, 200, 0, 0, 0}, "stop", "grok-4"));
        reply["usage"]["cost_in_usd_ticks"] = 60'000'000;
        return slow(json_reply(200, reply.dump()));
    });
    server.set_handler("/v1beta/models/gemini-2.5-pro:generateContent", [&](const RecordedRequest&
                                                                                r) {
        return slow(json_reply(200, gemini_text_reply(object_for(r.body), {1000, 200, 0, 0, 0})));
    });

    TempDir dir;
    auto config = dir.write("config.toml", fmt::format(R"(
[panel]
seats = ["claude", "gpt", "gemini", "grok"]
chair = "claude"
[seats.claude]
provider = "anthropic"
model = "claude-sonnet-4-6"
base_url = "{0}"
[seats.gpt]
provider = "openai"
model = "gpt-5"
base_url = "{0}/v1"
[seats.gemini]
provider = "gemini"
model = "gemini-2.5-pro"
base_url = "{0}"
[seats.grok]
provider = "xai"
model = "grok-4"
base_url = "{0}/xai/v1"
)",
                                                       server.base_url()));
    if (provider_only) {
        const int articles = argc > 2 ? std::atoi(argv[2]) : 10'000;
        const int job_ms = argc > 3 ? std::atoi(argv[3]) : 1000;
        if (articles < 1 || job_ms < 0) {
            std::fprintf(stderr, "usage: bench_batch provider [ARTICLES [JOB_MS]]\n");
            return 2;
        }
        bench_provider_batch(server, dir, config.string(), articles,
                             std::chrono::milliseconds(job_ms));
        return 0;
    }
    // CPU per extra panel: (CPU of 50 panels - CPU of 1) / 49, and the threads created.
    const Measured one = run_counted(dir, config.string(), 1);
    server.reset_stats();
    const Measured fifty = run_counted(dir, config.string(), 50);
    const std::vector<RecordedRequest> sent = server.requests();
    fmt::print("bench_batch: synchronous path, fake server at 0 ms, --jobs 8 --max-in-flight 8\n"
               "  1 panel: exit {}, CPU {:.1f} ms, {} threads created\n"
               "  50 panels: exit {}, CPU {:.1f} ms, {} threads created, wall {:.2f} s\n"
               "  CPU per extra panel {:.2f} ms (target <= 1.5), threads per extra panel {:.1f}\n",
               one.status, one.cpu_seconds * 1e3, one.threads, fifty.status,
               fifty.cpu_seconds * 1e3, fifty.threads, fifty.seconds,
               (fifty.cpu_seconds - one.cpu_seconds) * 1e3 / 49.0,
               static_cast<double>(fifty.threads - one.threads) / 49.0);
    // The same 50 panels' requests through roundtable's transport alone, 9 and then all of them:
    // what the HTTP costs a process on this machine, per panel.
    if (sent.size() > 9) {
        const Measured few = run_floor(dir, server.base_url(), sent, 9);
        server.reset_stats();
        const Measured all = run_floor(dir, server.base_url(), sent, sent.size());
        const std::size_t connections = server.connections_seen();
        if (few.status == 0 && all.status == 0) {
            const double panels = static_cast<double>(sent.size() - 9) / 9.0;
            const double per_panel = (all.cpu_seconds - few.cpu_seconds) * 1e3 / panels;
            const double system = (all.system_seconds - few.system_seconds) * 1e3 / panels;
            fmt::print("  the HTTP alone: the same {} requests through roundtable's transport, one "
                       "after another ({} connection(s)): CPU per 9 calls {:.2f} ms, {:.2f} of it "
                       "in the kernel ({:.0f}% of the figure per panel)\n",
                       sent.size(), connections, per_panel, system,
                       100.0 * per_panel /
                           std::max((fifty.cpu_seconds - one.cpu_seconds) * 1e3 / 49.0, 1e-9));
        } else {
            fmt::print("  (the HTTP floor failed: exit {} / {})\n", few.status, all.status);
        }
    }
    if (sync_only) {
        return 0;
    }
    latency_ms = latency.count();

    const std::string base = slurp(RT_SOURCE_DIR "/examples/bearish-truck-recall.txt");

    fmt::print("bench_batch: 4-seat panel on the fake server, {} ms per call, --max-in-flight {}\n",
               latency.count(), k_in_flight);
    for (int n : sizes) {
        auto folder = fmt::format("corpus-{}", n);
        for (int i = 0; i < n; ++i) {
            dir.write(fmt::format("{}/story-{:04}.txt", folder, i),
                      base + fmt::format("\nFiled as story {}.\n", i));
        }
        auto corpus = (dir.path() / folder).string();
        // A cache of its own per corpus size, so the cold run is really cold.
        const std::vector<std::string> env{
            "ANTHROPIC_API_KEY=bench-anthropic", "OPENAI_API_KEY=bench-openai",
            "GEMINI_API_KEY=bench-gemini", "XAI_API_KEY=bench-xai",
            "XDG_CACHE_HOME=" + (dir.path() / fmt::format("cache-{}", n)).string()};
        auto out = (dir.path() / fmt::format("out-{}.jsonl", n)).string();
        server.reset_stats();
        std::fflush(stdout);
        auto cold = run({"batch", corpus, "--config", config.string(), "--jsonl", out, "--jobs",
                         "16", "--max-in-flight", std::to_string(k_in_flight), "-q"},
                        env);
        // Per kind: takes and rebuttals for every seat, plus the chair's synthesis for anthropic.
        double busiest_calls = 3.0 * n; // anthropic: take + rebuttal + chair per article
        double ideal = busiest_calls * static_cast<double>(latency.count()) / 1000.0 / k_in_flight;
        // The fake server answers on k_server_workers threads, each holding its keep-alive
        // connection: that caps the requests in flight below the 4 x 8 the client allows.
        double server_floor =
            9.0 * n * static_cast<double>(latency.count()) / 1000.0 / k_server_workers;
        fmt::print("  {:>5} articles cold: exit {}, wall {:.2f} s (ideal under the limits {:.2f} "
                   "s, {:.0f}%; "
                   "floor of the fake server's {} workers {:.2f} s), "
                   "{} requests over {} TCP connections, peak RSS {:.1f} MiB\n",
                   n, cold.status, cold.seconds, ideal,
                   100.0 * ideal / std::max(cold.seconds, 1e-9), k_server_workers, server_floor,
                   server.requests().size(), server.connections_seen(),
                   static_cast<double>(cold.peak_rss_kib) / 1024.0);
        std::size_t cards = 0, failed_lines = 0, failed_seats = 0;
        std::istringstream lines(slurp(out));
        for (std::string line; std::getline(lines, line);) {
            auto j = json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.contains("card")) {
                ++failed_lines;
                continue;
            }
            ++cards;
            for (const auto& seat : j["card"]["seats"]) {
                failed_seats += seat.value("status", "") == "ok" ? 0 : 1;
            }
        }
        fmt::print("         {} cards, {} failed articles, {} failed seats\n", cards, failed_lines,
                   failed_seats);
        if (n == sizes.front()) {
            server.reset_stats();
            auto warm =
                run({"batch", corpus, "--config", config.string(), "--jsonl", out + ".warm", "-q"},
                    env);
            fmt::print("  {:>5} articles warm cache: exit {}, wall {:.2f} s, {:.0f} cards/s, {} "
                       "requests\n",
                       n, warm.status, warm.seconds, n / std::max(warm.seconds, 1e-9),
                       server.requests().size());
        }
    }
    return 0;
}

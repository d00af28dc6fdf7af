// Benchmark: wall time and peak RSS of the offline card for the example
// articles and a generated 1 MiB article, and of `roundtable --version`.
// Runs the built binary several times and prints the median wall time and the
// largest peak RSS against the targets of issue 2. Figures only: no assertions.
#include "peak_rss.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

struct Sample {
    double ms = 0;
    long rss_kb = 0;
    int status = 0;
};

// Runs `program args` once; samples its memory densely when `watch_memory` (a sampling
// thread competes for the CPU, so timed runs go without one).
Sample run_once(const std::vector<std::string>& args, bool watch_memory,
                const std::string& program = RT_BINARY) {
    std::vector<std::string> all{program};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
        posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0);
    }
    auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    Sample s;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        s.status = -1;
        return s;
    }
    posix_spawn_file_actions_destroy(&actions);
    // posix_spawn returns once the child has exec'd: VmHWM is the new image's own.
    std::optional<roundtable::bench::PeakRss> peak;
    if (watch_memory) {
        peak.emplace(pid, std::chrono::microseconds(200));
    }
    int status = 0;
    waitpid(pid, &status, 0);
    s.ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    s.rss_kb = peak ? peak->stop() : 0;
    s.status = status;
    return s;
}

void measure(const std::string& label, const std::vector<std::string>& args, int runs,
             double target_ms) {
    std::vector<double> times;
    long rss = 0;
    int status = 0;
    for (int i = 0; i < runs; ++i) {
        Sample s = run_once(args, false);
        times.push_back(s.ms);
        status |= s.status;
    }
    for (int i = 0; i < 3; ++i) {
        Sample s = run_once(args, true);
        rss = std::max(rss, s.rss_kb);
        status |= s.status;
    }
    std::sort(times.begin(), times.end());
    double median = times[times.size() / 2];
    fmt::print("{:<44} median {:8.1f} ms  (target {:6.0f} ms, ratio {:.2f})  peak RSS {:6.1f} MB  "
               "(target 30 MB, ratio {:.2f}){}\n",
               label, median, target_ms, median / target_ms, static_cast<double>(rss) / 1024.0,
               static_cast<double>(rss) / 1024.0 / 30.0, status == 0 ? "" : "  [non-zero exit!]");
}

std::string generated_article(std::size_t bytes) {
    // A long article of varied sentences built from the examples' vocabulary.
    const char* sentences[] = {
        "Revenue rose 12% to $4.2 billion in the quarter, beating forecasts. ",
        "The company warned that rising debt could pressure margins next year. ",
        "Analysts said demand for its products remains strong in Asia. ",
        "A lawsuit filed in March seeks $120 million in damages. ",
        "Management expects growth to slow as competition intensifies. ",
        "Shares fell 3.5% after regulators opened a probe into its pricing. ",
        "The firm will expand its factory and hire 1,200 workers. ",
        "Profit margins improved to 18% from 14% a year earlier. ",
    };
    std::string out = "Generated benchmark article about quarterly results\n\n";
    std::size_t i = 0;
    while (out.size() < bytes - 200) {
        out += sentences[i % 8];
        if (++i % 6 == 0) {
            out += fmt::format("Paragraph {} ends here.\n\n", i / 6);
        }
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    int runs = argc > 1 ? std::atoi(argv[1]) : 7;
    std::string src = RT_SOURCE_DIR;
    fmt::print("roundtable offline benchmark ({} runs each; median wall time, max peak RSS)\n",
               runs);
    {
        // The floor under every figure: starting any process on this machine.
        std::vector<double> times;
        for (int i = 0; i < runs; ++i) {
            times.push_back(run_once({}, false, "/bin/true").ms);
        }
        std::sort(times.begin(), times.end());
        fmt::print("{:<44} median {:8.1f} ms  (process start-up floor of this machine)\n",
                   "/bin/true", times[times.size() / 2]);
    }
    measure("roundtable --version", {"--version"}, runs, 5);
    for (const char* example :
         {"examples/bearish-truck-recall.txt", "examples/bullish-solar-storage-expansion.txt",
          "examples/mixed-streaming-merger.txt"}) {
        measure(fmt::format("offline card, {}", std::string(example).substr(9)),
                {src + "/" + example, "--format", "json"}, runs, 20);
    }
    std::string path = "/tmp/roundtable-bench-1mib.txt";
    {
        std::ofstream out(path, std::ios::binary);
        out << generated_article(1024 * 1024 - 1024);
    }
    measure("offline card, generated 1 MiB article", {path, "--format", "json"},
            std::max(3, runs / 2), 1000);
    std::remove(path.c_str());
    return 0;
}

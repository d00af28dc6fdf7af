// Benchmark (issue 12, "no slow path"): the offline card for 1 MiB inputs of
// hostile shapes -- one giant sentence, no punctuation, a storm of numbers and
// dates, thousands of quotation marks, ten thousand tiny sentences, HTML that
// is mostly tags, "1.2.3.4.5.6.7.8.9 " repeated -- timed stage by stage in
// process (reading, sentence splitting, the offline analysis, the grounding
// index, the whole panel, rendering) and as a run of the built binary, against
// the 1 s target. Figures only: no assertions.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <random>
#include <roundtable/article/article.hpp>
#include <roundtable/article/sentences.hpp>
#include <roundtable/guard/grounding.hpp>
#include <roundtable/offline/analysis.hpp>
#include <roundtable/panel/pipeline.hpp>
#include <roundtable/providers/offline.hpp>
#include <roundtable/render/render.hpp>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

using namespace roundtable;

constexpr std::size_t k_size = 1024 * 1024;
constexpr double k_target_ms = 1000.0;

// Returns `size` bytes (or a few more) of `next()` pieces joined by `sep`.
std::string fill(std::size_t size, const std::function<std::string()>& next,
                 std::string_view sep = " ") {
    std::string out;
    out.reserve(size + 64);
    while (out.size() < size) {
        out += next();
        out += sep;
    }
    return out;
}

struct Shape {
    std::string name;
    std::string bytes;
};

std::vector<Shape> shapes() {
    std::mt19937 rng(12);
    auto pick = [&](const std::vector<std::string>& from) {
        return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
    };
    auto number = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const std::vector<std::string> words{"revenue", "rose",    "sharply",  "while",   "debt",
                                         "fell",    "and",     "analysts", "said",    "demand",
                                         "remains", "strong",  "in",       "Asia",    "as",
                                         "the",     "company", "expands",  "factory", "risk"};
    std::vector<Shape> out;
    out.push_back({"one giant sentence",
                   "Title line\n\n" + fill(k_size, [&] { return pick(words); }) + "end.\n"});
    out.push_back({"no punctuation", fill(k_size, [&] { return pick(words); })});
    out.push_back({"numbers and dates",
                   "Numbers\n\n" + fill(k_size, [&] {
                       switch (number(0, 5)) {
                       case 0:
                           return fmt::format("{}.{}%", number(1, 999), number(0, 99));
                       case 1:
                           return fmt::format("${} million", number(1, 999));
                       case 2:
                           return fmt::format("{} March {}", number(1, 28), number(1990, 2030));
                       case 3:
                           return fmt::format("{}-{:02}-{:02}", number(1990, 2030), number(1, 12),
                                              number(1, 28));
                       case 4:
                           return fmt::format("{},{:03}", number(1, 99), number(0, 999));
                       default:
                           return fmt::format("Q{} {}", number(1, 4), number(2000, 2030));
                       }
                   })});
    out.push_back({"quotation marks", "Quotes\n\n" + fill(k_size, [&] {
                                          return pick({"\"a\"", "\u201cb\u201d", "\"", "\u201c",
                                                       "\u201d", "\u2018c\u2019", "'d'",
                                                       "said \"yes\"."});
                                      })});
    out.push_back({"ten thousand tiny sentences", fill(k_size, [&] {
                       return pick({"Yes.", "No!", "Up 5%.", "Why?", "Debt rose.", "Ok."});
                   })});
    out.push_back({"HTML, mostly tags",
                   "<html><head><title>T</title></head><body>" +
                       fill(
                           k_size,
                           [&] {
                               return pick({"<div class=\"a\"><span>x</span></div>",
                                            "<p><b>A</b> <i>b</i>.</p>", "<a href=\"/x\">l</a>",
                                            "<br/>", "<ul><li>i</li></ul>"});
                           },
                           "") +
                       "</body></html>"});
    out.push_back({"\"1.2.3.4.5.6.7.8.9 \" repeated",
                   fill(k_size, [] { return std::string("1.2.3.4.5.6.7.8.9"); })});
    for (auto& shape : out) {
        shape.bytes.resize(std::min(shape.bytes.size(), k_size));
    }
    return out;
}

template <typename Fn> double time_ms(Fn&& fn) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

// Runs the built binary on `path` (offline card, JSON) and returns its wall time in ms, or a
// negative time when it failed; sets `cpu_ms` to its CPU time (user and system), which a
// loaded machine inflates much less than the wall time.
double run_binary(const std::string& path, double& cpu_ms) {
    std::vector<std::string> all{RT_BINARY, path, "--format", "json", "--no-cache"};
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
    pid_t pid = 0;
    const auto start = std::chrono::steady_clock::now();
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        return -1;
    }
    int status = 0;
    struct rusage usage {};
    wait4(pid, &status, 0, &usage);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    cpu_ms = (static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
              static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -ms;
}

std::vector<panel::Seat> offline_seats() {
    std::vector<panel::Seat> seats;
    for (const char* lens : {"bull", "bear", "skeptic", "quant"}) {
        providers::SeatConfig config;
        config.name = lens;
        config.provider = "offline";
        config.model = lens;
        seats.push_back({config, providers::make_offline_provider(config)});
    }
    return seats;
}

} // namespace

int main(int argc, char** argv) {
    const std::string only = argc > 1 ? argv[1] : "";
    fmt::print("roundtable slow-path benchmark: offline card of 1 MiB inputs, ms per stage "
               "(target {:.0f} ms for the whole card)\n",
               k_target_ms);
    fmt::print("{:<30} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>9}  {}\n", "shape",
               "read", "sentences", "analysis", "grounding", "panel", "render", "binary", "bin CPU",
               "sentences", "ratio");
    for (const auto& shape : shapes()) {
        if (!only.empty() && shape.name.find(only) == std::string::npos) {
            continue;
        }
        article::Article article;
        std::size_t sentence_count = 0;
        panel::Card card;
        const double read = time_ms([&] { article = article::from_bytes(shape.bytes, "bench"); });
        const double split =
            time_ms([&] { sentence_count = article::split_sentences(article.text).size(); });
        const double analysis = time_ms([&] { (void)offline::analyze_uncached(article.text); });
        const double grounding =
            time_ms([&] { guard::GroundingIndex index(article::grounding_text(article)); });
        panel::PanelOptions options;
        options.offline = true;
        const auto seats = offline_seats();
        const double whole = time_ms([&] { card = panel::run_panel(article, seats, options); });
        const double render = time_ms([&] { (void)render::render_json(card); });
        const std::string path = "/tmp/roundtable-bench-shape.txt";
        const bool html = shape.bytes.starts_with("<html");
        const std::string file = html ? path + ".html" : path;
        { std::ofstream(file, std::ios::binary) << shape.bytes; }
        double cpu = 0;
        const double binary = run_binary(file, cpu);
        std::remove(file.c_str());
        fmt::print("{:<30} {:7.1f} {:9.1f} {:9.1f} {:9.1f} {:9.1f} {:9.1f} {:8.1f} {:8.1f} {:9}  "
                   "{:.2f}{}\n",
                   shape.name, read, split, analysis, grounding, whole, render, binary, cpu,
                   sentence_count, std::abs(binary) / k_target_ms,
                   binary < 0 ? "  [non-zero exit!]" : "");
    }
    return 0;
}

// Benchmark: a full four-seat panel (anthropic, openai, gemini, xai) run by the
// roundtable binary against the loopback fake server with 200 ms per call.
// The critical path is round 1 + round 2 + chair = 600 ms; the figure that
// matters is wall time / 600 ms (target <= 1.05), and the TCP connections the
// server saw per panel (target <= 4, the number of seats). Figures only.
#include <algorithm>
#include <chrono>
#include <fake/fake_panel.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>
#include <vector>

using namespace roundtable::testing;

int main(int argc, char** argv) {
    int runs = argc > 1 ? std::atoi(argv[1]) : 5;
    constexpr auto k_latency = std::chrono::milliseconds(200);
    FakePanel fake(k_latency);
    TempDir dir;
    auto config = dir.write("config.toml", fake.config());
    std::vector<double> walls, internal;
    std::vector<std::size_t> connections;
    for (int i = 0; i < runs; ++i) {
        fake.server.reset_stats();
        RunSpec spec;
        spec.args = {source_path("examples/bearish-truck-recall.txt"),
                     "--config",
                     config.string(),
                     "--format",
                     "json",
                     "--no-cache"};
        spec.env = {{"ANTHROPIC_API_KEY", "SENTINEL-A"},
                    {"OPENAI_API_KEY", "SENTINEL-O"},
                    {"GEMINI_API_KEY", "SENTINEL-G"},
                    {"XAI_API_KEY", "SENTINEL-X"},
                    {"XDG_CACHE_HOME", (dir.path() / "cache").string()}};
        auto start = std::chrono::steady_clock::now();
        auto r = run_binary(spec);
        double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        if (r.exit_code != 0) {
            fmt::print("run {} failed (exit {}): {}\n", i, r.exit_code, r.err);
            return 1;
        }
        walls.push_back(ms);
        internal.push_back(nlohmann::json::parse(r.out).at("usage").at("wall_ms").get<double>());
        connections.push_back(fake.server.connections_seen());
    }
    std::sort(walls.begin(), walls.end());
    std::sort(internal.begin(), internal.end());
    double critical = 3.0 * static_cast<double>(k_latency.count());
    fmt::print("panel of 4 seats, {} ms per call, critical path {} ms, {} runs\n",
               k_latency.count(), critical, runs);
    fmt::print("  process wall time  median {:7.1f} ms  ratio {:.3f} (target <= 1.05)\n",
               walls[walls.size() / 2], walls[walls.size() / 2] / critical);
    fmt::print("  panel wall_ms      median {:7.1f} ms  ratio {:.3f}\n",
               internal[internal.size() / 2], internal[internal.size() / 2] / critical);
    fmt::print("  TCP connections per panel: max {} (target <= 4)\n",
               *std::max_element(connections.begin(), connections.end()));
    return 0;
}

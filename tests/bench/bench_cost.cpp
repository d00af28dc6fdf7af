// Benchmark: what one card costs at the default models, at each effort. The
// roundtable binary runs the default panel (no model named in the config, so
// the catalogue's defaults) on examples/bearish-truck-recall.txt against the
// fake server in its reasoning mode, which bills each call by its providers'
// rules: input as sent, reasoning at the effort's level (1,500 / 4,000 / 9,000
// tokens per call at low / medium / high), and the visible answer. Figures only.
#include <fake/fake_panel.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable::testing;

int main() {
    TempDir dir;
    fmt::print("one card, default models, examples/bearish-truck-recall.txt (1.8 KB)\n");
    fmt::print("{:<7} {:>6} {:>9} {:>9} {:>10} {:>9}\n", "effort", "calls", "input", "output",
               "reasoning", "cost USD");
    for (const char* effort : {"low", "medium", "high"}) {
        FakePanel fake(std::chrono::milliseconds(0), FakeMode::reasoning);
        const auto config = dir.write("config.toml", fake.config_with({}));
        RunSpec spec;
        spec.args = {source_path("examples/bearish-truck-recall.txt"),
                     "--config",
                     config.string(),
                     "--format",
                     "json",
                     "--no-cache",
                     "--effort",
                     effort};
        spec.env = {{"ANTHROPIC_API_KEY", "SENTINEL-A"},
                    {"OPENAI_API_KEY", "SENTINEL-O"},
                    {"GEMINI_API_KEY", "SENTINEL-G"},
                    {"XAI_API_KEY", "SENTINEL-X"},
                    {"XDG_CACHE_HOME", (dir.path() / "cache").string()}};
        const RunResult r = run_binary(spec);
        if (r.exit_code != 0) {
            fmt::print("{}: failed (exit {}): {}\n", effort, r.exit_code, r.err);
            return 1;
        }
        const auto usage = nlohmann::json::parse(r.out).at("usage");
        fmt::print("{:<7} {:>6} {:>9} {:>9} {:>10} {:>9.4f}\n", effort,
                   usage.at("calls").get<int>(), usage.at("input_tokens").get<long>(),
                   usage.at("output_tokens").get<long>(), usage.at("reasoning_tokens").get<long>(),
                   usage.at("cost_usd").get<double>());
        for (const char* provider : {"anthropic", "openai", "gemini", "xai"}) {
            const Bill bill = fake.providers->bill(provider);
            fmt::print("        {:<10} calls {:>2}  in {:>6}  out {:>6}  reasoning {:>6}\n",
                       provider, bill.calls, bill.input, bill.output, bill.reasoning);
        }
    }
    return 0;
}

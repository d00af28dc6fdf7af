#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <roundtable/config/config.hpp>
#include <roundtable/util/error.hpp>
#include <stdexcept>
#include <string>
#include <support/temp_dir.hpp>
#include <vector>

using roundtable::Error;
using roundtable::Exit;
using roundtable::config::Env;
using roundtable::config::load;
using roundtable::config::Overrides;
using roundtable::config::PanelConfig;
using roundtable::testing::TempDir;

namespace {

using Vars = std::map<std::string, std::string>;

const Vars k_all_keys{{"ANTHROPIC_API_KEY", "test-key-a"},
                      {"OPENAI_API_KEY", "test-key-o"},
                      {"GEMINI_API_KEY", "test-key-g"},
                      {"XAI_API_KEY", "test-key-x"}};

// A hermetic environment: `vars` plus an empty XDG_CONFIG_HOME so no user file is read.
class Fixture {
public:
    PanelConfig run(const Overrides& overrides, Vars vars = {}) const {
        vars.try_emplace("XDG_CONFIG_HOME", (m_dir.path() / "xdg").string());
        return load(overrides, Env::from_map(std::move(vars)));
    }

    // Returns the message of the config Error that load() throws, or "" if it succeeds.
    std::string error(const Overrides& overrides, Vars vars = {}) const {
        try {
            run(overrides, std::move(vars));
        } catch (const Error& failure) {
            CHECK(failure.code() == Exit::config);
            return failure.what();
        }
        return "";
    }

    // Writes a config file and returns Overrides pointing --config at it.
    Overrides with_file(const std::string& text) const {
        Overrides overrides;
        overrides.config_path = m_dir.write("config.toml", text).string();
        return overrides;
    }

    std::string file_path() const { return (m_dir.path() / "config.toml").string(); }
    const TempDir& dir() const { return m_dir; }

private:
    TempDir m_dir;
};

std::vector<std::string> names_of(const PanelConfig& config) {
    std::vector<std::string> names;
    for (const auto& seat : config.seats) {
        names.push_back(seat.name);
    }
    return names;
}

const roundtable::providers::SeatConfig& seat_of(const PanelConfig& config,
                                                 const std::string& name) {
    for (const auto& seat : config.seats) {
        if (seat.name == name) {
            return seat;
        }
    }
    FAIL("no seat " << name);
    throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("config::Env") {
    SECTION("from_map reads its map only") {
        const Env env = Env::from_map({{"A", "1"}});
        CHECK(env.get("A") == "1");
        CHECK_FALSE(env.get("B").has_value());
    }
    SECTION("process reads the process environment") {
        const Env env = Env::process();
        CHECK_FALSE(env.get("ROUNDTABLE_TEST_SURELY_UNSET_VARIABLE").has_value());
        CHECK(env.get("PATH").has_value());
    }
}

TEST_CASE("config::builtin_seat_names") {
    CHECK(roundtable::config::builtin_seat_names() ==
          std::vector<std::string>{"claude", "gpt", "gemini", "grok", "bull", "bear", "skeptic",
                                   "quant"});
}

TEST_CASE("config::load default panel") {
    const Fixture fixture;

    SECTION("no key: the offline panel with a notice") {
        const PanelConfig config = fixture.run({});
        CHECK(names_of(config) == std::vector<std::string>{"bull", "bear", "skeptic", "quant"});
        CHECK(config.offline);
        CHECK(config.chair == "bull");
        CHECK(config.quorum == 3);
        CHECK(config.config_file.empty());
        REQUIRE(config.notices.size() == 1);
        CHECK(config.notices[0] ==
              "no API key set (ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY, "
              "XAI_API_KEY): using the offline analysts, no language model");
        CHECK(seat_of(config, "skeptic").provider == "offline");
        CHECK(seat_of(config, "skeptic").model == "skeptic");
    }
    SECTION("empty keys count as unset") {
        const PanelConfig config = fixture.run({}, {{"OPENAI_API_KEY", ""}});
        CHECK(config.offline);
    }
    SECTION("two keys: those two seats, quorum 2") {
        const PanelConfig config =
            fixture.run({}, {{"ANTHROPIC_API_KEY", "test-key-k1"}, {"XAI_API_KEY", "test-key-k2"}});
        CHECK(names_of(config) == std::vector<std::string>{"claude", "grok"});
        CHECK(config.quorum == 2);
        CHECK(config.chair == "claude");
        CHECK_FALSE(config.offline);
        REQUIRE(config.notices.size() == 1);
        CHECK(
            config.notices[0] ==
            "the panel has 2 of 4 seats: no key for gpt (OPENAI_API_KEY), gemini (GEMINI_API_KEY)");
    }
    SECTION("all keys: four seats with the default models") {
        const PanelConfig config = fixture.run({}, k_all_keys);
        CHECK(names_of(config) == std::vector<std::string>{"claude", "gpt", "gemini", "grok"});
        CHECK(config.quorum == 3);
        CHECK(config.notices.empty());
        CHECK(seat_of(config, "claude").model == "claude-sonnet-5-5");
        CHECK(seat_of(config, "claude").api_key_env == "ANTHROPIC_API_KEY");
        CHECK(seat_of(config, "gpt").model == "gpt-6.2-sol");
        CHECK(seat_of(config, "gpt").provider == "openai");
        CHECK(seat_of(config, "gemini").model == "gemini-4-neon");
        CHECK(seat_of(config, "grok").model == "grok-4.7");
        CHECK(seat_of(config, "grok").provider == "xai");
        CHECK(config.catalogue.cost("anthropic", "claude-sonnet-5-5", 1'000'000, 1'000'000) ==
              Approx(12.0));
    }
    SECTION("--offline: the offline panel whatever keys are set") {
        Overrides overrides;
        overrides.offline = true;
        const PanelConfig config = fixture.run(overrides, k_all_keys);
        CHECK(names_of(config) == std::vector<std::string>{"bull", "bear", "skeptic", "quant"});
        CHECK(config.offline);
        REQUIRE(config.notices.size() == 1);
        CHECK(config.notices[0] == "--offline: using the offline analysts, no language model");
    }
}

TEST_CASE("config::load GOOGLE_API_KEY fallback") {
    const Fixture fixture;

    SECTION("GOOGLE_API_KEY stands in for an unset GEMINI_API_KEY") {
        const PanelConfig config = fixture.run({}, {{"GOOGLE_API_KEY", "test-key-g"}});
        CHECK(names_of(config) == std::vector<std::string>{"gemini"});
        CHECK(seat_of(config, "gemini").api_key_env == "GOOGLE_API_KEY");
        CHECK(config.quorum == 1);
    }
    SECTION("GEMINI_API_KEY wins when both are set") {
        const PanelConfig config =
            fixture.run({}, {{"GOOGLE_API_KEY", "test-key-g"}, {"GEMINI_API_KEY", "test-key-g2"}});
        CHECK(seat_of(config, "gemini").api_key_env == "GEMINI_API_KEY");
    }
    SECTION("an empty GEMINI_API_KEY counts as unset") {
        const PanelConfig config =
            fixture.run({}, {{"GOOGLE_API_KEY", "test-key-g"}, {"GEMINI_API_KEY", ""}});
        CHECK(seat_of(config, "gemini").api_key_env == "GOOGLE_API_KEY");
    }
    SECTION("neither set: the error names both") {
        Overrides overrides;
        overrides.panel = {"gemini"};
        CHECK(fixture.error(overrides) ==
              "seat 'gemini' needs GEMINI_API_KEY (or GOOGLE_API_KEY): set it in the "
              "environment, or leave the seat out of the panel");
    }
}

TEST_CASE("config::load --panel") {
    const Fixture fixture;

    SECTION("a named seat without its key is an error") {
        Overrides overrides;
        overrides.panel = {"claude,gpt"};
        CHECK(fixture.error(overrides, {{"ANTHROPIC_API_KEY", "test-key-a"}}) ==
              "seat 'gpt' needs OPENAI_API_KEY: set it in the environment, or leave the seat out "
              "of the panel");
    }
    SECTION("unknown seat") {
        Overrides overrides;
        overrides.panel = {"claude", "foo"};
        CHECK(fixture.error(overrides, k_all_keys) ==
              "unknown seat 'foo' (known: claude, gpt, gemini, grok, bull, bear, skeptic, quant)");
    }
    SECTION("unknown seat lists the file's seats too") {
        Overrides overrides =
            fixture.with_file("[seats.local]\nprovider = \"openai-compatible\"\n"
                              "base_url = \"http://localhost:11434/v1\"\nmodel = \"llama3\"\n");
        overrides.panel = {"foo"};
        CHECK(fixture.error(overrides) == "unknown seat 'foo' (known: claude, gpt, gemini, grok, "
                                          "bull, bear, skeptic, quant, local)");
    }
    SECTION("order is kept, quorum is at most the panel size, chair is the first seat") {
        Overrides overrides;
        overrides.panel = {"gpt", " claude "};
        const PanelConfig config = fixture.run(overrides, k_all_keys);
        CHECK(names_of(config) == std::vector<std::string>{"gpt", "claude"});
        CHECK(config.quorum == 2);
        CHECK(config.chair == "gpt");
        CHECK(config.notices.empty());
    }
    SECTION("offline seats need no key") {
        Overrides overrides;
        overrides.panel = {"bear,quant"};
        const PanelConfig config = fixture.run(overrides);
        CHECK(names_of(config) == std::vector<std::string>{"bear", "quant"});
        CHECK(config.offline);
        CHECK(config.notices.empty());
    }
    SECTION("a seat named twice") {
        Overrides overrides;
        overrides.panel = {"bull,bear,bull"};
        CHECK(fixture.error(overrides) == "seat 'bull' appears twice in the panel");
    }
    SECTION("empty --panel") {
        Overrides overrides;
        overrides.panel = {" , "};
        CHECK(fixture.error(overrides) == "--panel names no seat");
    }
    SECTION("ROUNDTABLE_PANEL, overridden by --panel") {
        const PanelConfig from_env = fixture.run({}, {{"ROUNDTABLE_PANEL", "skeptic,bull"}});
        CHECK(names_of(from_env) == std::vector<std::string>{"skeptic", "bull"});
        Overrides overrides;
        overrides.panel = {"quant"};
        const PanelConfig from_flag =
            fixture.run(overrides, {{"ROUNDTABLE_PANEL", "skeptic,bull"}});
        CHECK(names_of(from_flag) == std::vector<std::string>{"quant"});
        CHECK(from_flag.quorum == 1);
    }
}

TEST_CASE("config::load chair and quorum") {
    const Fixture fixture;

    SECTION("a chair not in the panel is an error") {
        Overrides overrides;
        overrides.panel = {"bull,bear"};
        overrides.chair = "quant";
        CHECK(fixture.error(overrides) == "chair 'quant' is not in the panel (bull, bear)");
    }
    SECTION("a file chair outside an automatic panel falls back to the first seat") {
        const Overrides overrides = fixture.with_file("[panel]\nchair = \"gpt\"\n");
        const PanelConfig config = fixture.run(overrides, {{"ANTHROPIC_API_KEY", "test-key-a"}});
        CHECK(config.chair == "claude");
        CHECK(config.notices.back() == "chair 'gpt' is not in the panel; 'claude' chairs");
    }
    SECTION("--quorum within the panel") {
        Overrides overrides;
        overrides.quorum = 4;
        CHECK(fixture.run(overrides).quorum == 4);
        overrides.quorum = 1;
        CHECK(fixture.run(overrides).quorum == 1);
    }
    SECTION("--quorum larger than the panel") {
        Overrides overrides;
        overrides.panel = {"bull,bear"};
        overrides.quorum = 3;
        CHECK(fixture.error(overrides) == "--quorum 3 is more than the 2 seats of the panel");
    }
    SECTION("--quorum below 1") {
        Overrides overrides;
        overrides.quorum = 0;
        CHECK(fixture.error(overrides) == "--quorum must be at least 1, got 0");
    }
    SECTION("a file quorum larger than the file's panel") {
        const Overrides overrides =
            fixture.with_file("[panel]\nseats = [\"bull\", \"bear\"]\nquorum = 3\n");
        CHECK(fixture.error(overrides) ==
              fixture.file_path() + ":3: quorum 3 is more than the 2 seats of the panel");
    }
    SECTION("a file quorum is lowered for an automatic panel, with a notice") {
        const Overrides overrides = fixture.with_file("[panel]\nquorum = 4\n");
        const PanelConfig config = fixture.run(
            overrides, {{"ANTHROPIC_API_KEY", "test-key-a"}, {"XAI_API_KEY", "test-key-x"}});
        CHECK(config.quorum == 2);
        CHECK(config.notices.back() == "quorum 4 lowered to 2, the size of the panel");
    }
    SECTION("a file quorum below 1") {
        const Overrides overrides = fixture.with_file("[panel]\nquorum = 0\n");
        CHECK(fixture.error(overrides) ==
              fixture.file_path() + ":2: 'panel.quorum' must be between 1 and 1000");
    }
}

TEST_CASE("config::load precedence") {
    const Fixture fixture;
    const std::string file = "[panel]\nchair = \"gpt\"\n"
                             "[seats.gpt]\nmodel = \"gpt-5-mini\"\ntimeout_s = 30\n"
                             "[defaults]\nanthropic = \"claude-haiku-4-5\"\n";

    SECTION("the file over the defaults") {
        const PanelConfig config = fixture.run(fixture.with_file(file), k_all_keys);
        CHECK(config.chair == "gpt");
        CHECK(seat_of(config, "gpt").model == "gpt-5-mini");
        CHECK(seat_of(config, "gpt").timeout_s == Approx(30));
        // A reasoning model's default timeout is that of its effort (medium).
        CHECK(seat_of(config, "claude").timeout_s ==
              Approx(config.catalogue.reasoning(roundtable::providers::Effort::medium).timeout_s));
        CHECK(seat_of(config, "claude").model == "claude-haiku-4-5");
        CHECK(config.config_file == fixture.file_path());
    }
    SECTION("the environment over the file") {
        Vars vars = k_all_keys;
        vars["ROUNDTABLE_CHAIR"] = "gemini";
        vars["ROUNDTABLE_TIMEOUT"] = "45.5";
        const PanelConfig config = fixture.run(fixture.with_file(file), vars);
        CHECK(config.chair == "gemini");
        CHECK(seat_of(config, "gpt").timeout_s == Approx(45.5));
        CHECK(seat_of(config, "claude").timeout_s == Approx(45.5));
    }
    SECTION("the flags over the environment") {
        Vars vars = k_all_keys;
        vars["ROUNDTABLE_CHAIR"] = "gemini";
        vars["ROUNDTABLE_TIMEOUT"] = "45";
        Overrides overrides = fixture.with_file(file);
        overrides.chair = "grok";
        overrides.timeout_s = 10;
        overrides.retries = 0;
        overrides.models = {{"gpt", "gpt-5"}, {"claude", "claude-opus-4-6"}};
        const PanelConfig config = fixture.run(overrides, vars);
        CHECK(config.chair == "grok");
        CHECK(seat_of(config, "gpt").timeout_s == Approx(10));
        CHECK(seat_of(config, "gpt").retries == 0);
        CHECK(seat_of(config, "gpt").model == "gpt-5");
        CHECK(seat_of(config, "claude").model == "claude-opus-4-6");
    }
    SECTION("--model for an unknown seat") {
        Overrides overrides;
        overrides.models = {{"gtp", "gpt-5"}};
        CHECK(fixture.error(overrides) ==
              "unknown seat 'gtp' in --model gtp=gpt-5 (known: claude, gpt, gemini, "
              "grok, bull, bear, skeptic, quant)");
    }
    SECTION("bad timeouts and retries") {
        CHECK(fixture.error({}, {{"ROUNDTABLE_TIMEOUT", "soon"}}) ==
              "ROUNDTABLE_TIMEOUT must be a positive number of seconds, got 'soon'");
        Overrides overrides;
        overrides.timeout_s = 0;
        CHECK(fixture.error(overrides) == "--timeout must be a positive number of seconds");
        overrides.timeout_s.reset();
        overrides.retries = -1;
        CHECK(fixture.error(overrides) == "--retries must be 0 or more");
    }
}

TEST_CASE("config::load file location") {
    const Fixture fixture;

    SECTION("--config must exist") {
        Overrides overrides;
        overrides.config_path = (fixture.dir().path() / "missing.toml").string();
        CHECK(fixture.error(overrides) ==
              "cannot read config file '" + *overrides.config_path + "': no such file");
    }
    SECTION("ROUNDTABLE_CONFIG must exist") {
        const std::string missing = (fixture.dir().path() / "missing.toml").string();
        CHECK(fixture.error({}, {{"ROUNDTABLE_CONFIG", missing}}) ==
              "cannot read config file '" + missing + "': no such file");
    }
    SECTION("ROUNDTABLE_CONFIG is read, --config wins over it") {
        const auto env_file = fixture.dir().write("env.toml", "[panel]\nseats = [\"bear\"]\n");
        const PanelConfig from_env = fixture.run({}, {{"ROUNDTABLE_CONFIG", env_file.string()}});
        CHECK(names_of(from_env) == std::vector<std::string>{"bear"});
        CHECK(from_env.config_file == env_file.string());
        const Overrides overrides = fixture.with_file("[panel]\nseats = [\"quant\"]\n");
        const PanelConfig from_flag =
            fixture.run(overrides, {{"ROUNDTABLE_CONFIG", env_file.string()}});
        CHECK(names_of(from_flag) == std::vector<std::string>{"quant"});
    }
    SECTION("$XDG_CONFIG_HOME/roundtable/config.toml is read when present") {
        const auto path =
            fixture.dir().write("xdg/roundtable/config.toml", "[panel]\nseats = [\"skeptic\"]\n");
        const PanelConfig config = fixture.run({});
        CHECK(names_of(config) == std::vector<std::string>{"skeptic"});
        CHECK(config.config_file == path.string());
    }
    SECTION("~/.config/roundtable/config.toml without XDG_CONFIG_HOME") {
        const auto path = fixture.dir().write("home/.config/roundtable/config.toml",
                                              "[panel]\nseats = [\"bull\"]\n");
        const PanelConfig config = fixture.run(
            {}, {{"XDG_CONFIG_HOME", ""}, {"HOME", (fixture.dir().path() / "home").string()}});
        CHECK(names_of(config) == std::vector<std::string>{"bull"});
        CHECK(config.config_file == path.string());
    }
    SECTION("a missing default file is fine") {
        CHECK(fixture.run({}).config_file.empty());
    }
}

TEST_CASE("config::load file schema") {
    const Fixture fixture;
    const auto error_of = [&](const std::string& text, Vars vars = {}) {
        return fixture.error(fixture.with_file(text), std::move(vars));
    };
    const std::string path = fixture.file_path();

    SECTION("unknown key with its line") {
        CHECK(error_of("[seats.claude]\nmodel = \"x\"\nmodle = \"y\"\n") ==
              path + ":3: unknown key 'seats.claude.modle'");
        CHECK(error_of("\n[panel]\nchiar = \"gpt\"\n") == path + ":3: unknown key 'panel.chiar'");
        CHECK(error_of("# comment\n[panels]\nseats = []\n") == path + ":2: unknown key 'panels'");
    }
    SECTION("wrong types") {
        CHECK(error_of("[panel]\nquorum = \"three\"\n") ==
              path + ":2: 'panel.quorum' must be an integer");
        CHECK(error_of("[panel]\nseats = \"claude\"\n") ==
              path + ":2: 'panel.seats' must be an array of strings");
        CHECK(error_of("[panel]\nseats = [\"bull\", 2]\n") ==
              path + ":2: 'panel.seats' must be an array of strings");
        CHECK(error_of("[panel]\nchair = 1\n") == path + ":2: 'panel.chair' must be a string");
        CHECK(error_of("[seats.gpt]\ntimeout_s = \"1m\"\n") ==
              path + ":2: 'seats.gpt.timeout_s' must be a number");
        CHECK(error_of("[seats.gpt]\ntimeout_s = -1\n") ==
              path + ":2: 'seats.gpt.timeout_s' must be a positive number of seconds");
        CHECK(error_of("[seats.gpt]\ntemperature = 3.5\n") ==
              path + ":2: 'seats.gpt.temperature' must be between 0 and 2");
        CHECK(error_of("seats = 3\n") == path + ":1: 'seats' must be a table");
        CHECK(error_of("[seats.gpt]\nprovider = \"openia\"\n") ==
              path + ":2: 'seats.gpt.provider' must be one of anthropic, openai, gemini, xai, "
                     "openai-compatible, "
                     "offline (got 'openia')");
    }
    SECTION("parse error with line and column") {
        const std::string message = error_of("[panel]\nchair = \"claude\nquorum = 2\n");
        CHECK_THAT(message, Catch::StartsWith(path + ":2:"));
        CHECK(message.size() > path.size() + 6);
        CHECK_THAT(error_of("[panel\n"), Catch::StartsWith(path + ":1:"));
    }
    SECTION("a letter toml++ 3.3 took for unreachable is a parse error (config/toml.hpp)") {
        // U+0497 and U+00E9 where a key or whitespace may be: undefined behaviour in toml++
        // 3.3.0, caught by UBSan in the sanitizer build; now the parser's own error.
        CHECK_THAT(error_of("\xD2\x97"), Catch::StartsWith(path + ":1:"));
        CHECK_THAT(error_of("[panel]\nchair = \"claude\" \xC3\xA9\n"),
                   Catch::StartsWith(path + ":2:"));
    }
    SECTION("api_key is refused anywhere") {
        const std::string refused =
            ": API keys are read from the environment only; use api_key_env";
        CHECK(error_of("[seats.gpt]\nmodel = \"gpt-5\"\napi_key = \"sk-secret\"\n") ==
              path + ":3" + refused);
        CHECK(error_of("api_key = \"sk-secret\"\n") == path + ":1" + refused);
        CHECK(error_of("[panel]\nx = [{ api_key = \"sk\" }]\n") == path + ":2" + refused);
        // The key's value never appears in the message.
        CHECK(error_of("[seats.gpt]\napi_key_env = \"sk-abc123\"\n").find("sk-abc123") ==
              std::string::npos);
        CHECK(error_of("[seats.gpt]\napi_key_env = \"sk-abc123\"\n") ==
              path + ":2: 'seats.gpt.api_key_env' must name an environment variable (letters, "
                     "digits and '_'), "
                     "not hold the key itself");
    }
    SECTION("a new seat needs a provider") {
        CHECK(error_of("[seats.mine]\nmodel = \"x\"\n") ==
              path + ":1: seat 'mine' needs a provider (anthropic, openai, gemini, xai, "
                     "openai-compatible, offline)");
    }
    SECTION("openai-compatible needs base_url") {
        CHECK(error_of("[seats.local]\nprovider = \"openai-compatible\"\nmodel = \"llama3\"\n") ==
              path + ":1: seat 'local' (provider openai-compatible) needs a base_url, such as "
                     "http://localhost:11434/v1");
    }
    SECTION("openai-compatible needs a model") {
        CHECK(error_of("[seats.local]\nprovider = \"openai-compatible\"\nbase_url = "
                       "\"http://127.0.0.1:1/v1\"\n") ==
              path + ":1: seat 'local' needs a model (provider openai-compatible has no default)");
    }
    SECTION("openai-compatible: the key is optional") {
        Overrides overrides =
            fixture.with_file("[seats.local]\nprovider = \"openai-compatible\"\n"
                              "base_url = \"http://127.0.0.1:8080/v1\"\nmodel = \"llama3\"\n"
                              "api_key_env = \"LOCAL_KEY\"\n"
                              "[panel]\nseats = [\"local\", \"bull\"]\nchair = \"bull\"\n");
        const PanelConfig config = fixture.run(overrides);
        CHECK(names_of(config) == std::vector<std::string>{"local", "bull"});
        CHECK(config.chair == "bull");
        CHECK_FALSE(config.offline);
        CHECK(seat_of(config, "local").base_url == "http://127.0.0.1:8080/v1");
        CHECK(seat_of(config, "local").api_key_env == "LOCAL_KEY");
        REQUIRE(config.notices.size() == 1);
        CHECK(config.notices[0] ==
              "seat 'local': LOCAL_KEY is not set; calling http://127.0.0.1:8080/v1 without a key");
        CHECK(fixture.run(overrides, {{"LOCAL_KEY", "test-key-k"}}).notices.empty());
    }
    SECTION("a built-in seat moved to another provider takes its defaults") {
        const PanelConfig config =
            fixture.run(fixture.with_file("[seats.claude]\nprovider = \"openai\"\n"),
                        {{"OPENAI_API_KEY", "test-key-o"}});
        CHECK(names_of(config) == std::vector<std::string>{"claude", "gpt"});
        CHECK(seat_of(config, "claude").model == "gpt-6.2-sol");
        CHECK(seat_of(config, "claude").api_key_env == "OPENAI_API_KEY");
    }
    SECTION("[models] in the file overrides prices") {
        const PanelConfig config = fixture.run(
            fixture.with_file("[models.anthropic.\"claude-sonnet-4-6\"]\ninput = 1\noutput = 1\n"));
        CHECK(config.catalogue.cost("anthropic", "claude-sonnet-4-6", 1'000'000, 1'000'000) ==
              Approx(2.0));
    }
    SECTION("[models] errors carry the file's path") {
        CHECK(error_of("[models.openai.\"gpt-5\"]\nprice = 1\n") ==
              path + ":2: unknown key 'models.openai.gpt-5.price'");
    }
}

TEST_CASE("config::load rate limits") {
    const Fixture fixture;
    const std::string path = fixture.file_path();

    SECTION("no limit of our own by default (data/models.toml's [limits] are 0)") {
        const PanelConfig config = fixture.run(Overrides{}, k_all_keys);
        for (const auto& seat : config.seats) {
            INFO(seat.name);
            CHECK(seat.rpm == 0);
            CHECK(seat.tpm == 0);
        }
    }
    SECTION("a seat's rpm and tpm keys") {
        const PanelConfig config = fixture.run(
            fixture.with_file("[seats.claude]\nrpm = 50\ntpm = 30000\n[seats.gpt]\nrpm = 0\n"),
            k_all_keys);
        CHECK(seat_of(config, "claude").rpm == 50);
        CHECK(seat_of(config, "claude").tpm == 30000);
        CHECK(seat_of(config, "gpt").rpm == 0);
        CHECK(seat_of(config, "gemini").rpm == 0);
    }
    SECTION("--rpm and --tpm set every seat, over the file's keys") {
        Overrides overrides = fixture.with_file("[seats.claude]\nrpm = 50\ntpm = 30000\n");
        overrides.rpm = 500;
        const PanelConfig config = fixture.run(overrides, k_all_keys);
        for (const auto& seat : config.seats) {
            INFO(seat.name);
            CHECK(seat.rpm == 500);
        }
        CHECK(seat_of(config, "claude").tpm == 30000);
        CHECK(seat_of(config, "gpt").tpm == 0);
        overrides.tpm = 0;
        CHECK(seat_of(fixture.run(overrides, k_all_keys), "claude").tpm == 0);
    }
    SECTION("offline seats are never limited") {
        Overrides overrides;
        overrides.offline = true;
        overrides.rpm = 60;
        overrides.tpm = 1000;
        const PanelConfig config = fixture.run(overrides);
        for (const auto& seat : config.seats) {
            INFO(seat.name);
            CHECK(seat.rpm == 0);
            CHECK(seat.tpm == 0);
        }
    }
    SECTION("bad values") {
        const auto error_of = [&](const std::string& text) {
            return fixture.error(fixture.with_file(text), k_all_keys);
        };
        CHECK(error_of("[seats.claude]\nrpm = -1\n") ==
              path + ":2: 'seats.claude.rpm' must be between 0 and 1000000000");
        CHECK(error_of("[seats.gpt]\ntpm = \"30k\"\n") ==
              path + ":2: 'seats.gpt.tpm' must be an integer");
        CHECK(error_of("[seats.gpt]\ntpm = 1.5\n") ==
              path + ":2: 'seats.gpt.tpm' must be an integer");
        CHECK(error_of("[seats.bull]\nrpm = 10\n") ==
              path + ":2: 'seats.bull.rpm' does not apply to an offline seat (it makes no calls)");
        CHECK(error_of("[seats.lens]\nprovider = \"offline\"\nmodel = \"quant\"\ntpm = 5\n") ==
              path + ":4: 'seats.lens.tpm' does not apply to an offline seat (it makes no calls)");
        CHECK(error_of("[limits.openai]\nrpm = 5\n") == path + ":1: unknown key 'limits'");
        Overrides overrides;
        overrides.rpm = -1;
        CHECK(fixture.error(overrides, k_all_keys) == "--rpm must be between 0 and 1000000000");
        overrides.rpm.reset();
        overrides.tpm = -5;
        CHECK(fixture.error(overrides, k_all_keys) == "--tpm must be between 0 and 1000000000");
    }
}

TEST_CASE("config::load examples/config.toml") {
    const Fixture fixture;
    Overrides overrides;
    overrides.config_path = std::string(RT_SOURCE_DIR) + "/examples/config.toml";
    const PanelConfig config = fixture.run(overrides, k_all_keys);
    CHECK(names_of(config) == std::vector<std::string>{"claude", "gpt", "gemini", "grok"});
    CHECK(config.chair == "claude");
    CHECK(config.quorum == 3);
    CHECK(config.notices.empty());
    CHECK(config.config_file == *overrides.config_path);
    CHECK(seat_of(config, "claude").model == "claude-sonnet-5-5");
    CHECK(seat_of(config, "grok").retries == 2);
    CHECK(seat_of(config, "gpt").effort == roundtable::providers::Effort::low);
    CHECK(config.catalogue.find("openai", "gpt-6.2-sol") != nullptr);
    CHECK(config.store == roundtable::config::StoreSettings{1024, 30, 90});
    // Without keys the example's explicit panel is refused with the missing key.
    CHECK(fixture.error(overrides) == "seat 'claude' needs ANTHROPIC_API_KEY: set it in the "
                                      "environment, or leave the seat out of the panel");
}

TEST_CASE("config::load effort, traits and budgets") {
    using roundtable::providers::Effort;
    const Fixture fixture;
    const auto error_of = [&](const std::string& text) {
        return fixture.error(fixture.with_file(text));
    };
    const std::string path = fixture.file_path();

    SECTION("seats get their model's traits, the default effort and a reasoning timeout") {
        const PanelConfig config = fixture.run({}, k_all_keys);
        for (const auto& seat : config.seats) {
            INFO(seat.name);
            CHECK(seat.traits.listed);
            CHECK(seat.effort == Effort::medium);
            CHECK_FALSE(seat.max_tokens.has_value());
            CHECK(seat.timeout_s == Approx(config.catalogue.reasoning(Effort::medium).timeout_s));
            CHECK(seat.reasoning_tokens[2] == config.catalogue.reasoning(Effort::high).tokens);
        }
        CHECK(config.notices.empty());
    }
    SECTION("effort from the file, then --effort LEVEL, then --effort SEAT=LEVEL") {
        Overrides overrides = fixture.with_file("[seats.gpt]\neffort = \"high\"\n"
                                                "[seats.claude]\neffort = \"low\"\n");
        PanelConfig config = fixture.run(overrides, k_all_keys);
        CHECK(seat_of(config, "gpt").effort == Effort::high);
        CHECK(seat_of(config, "claude").effort == Effort::low);
        CHECK(seat_of(config, "gemini").effort == Effort::medium);
        CHECK(seat_of(config, "gpt").timeout_s ==
              Approx(config.catalogue.reasoning(Effort::high).timeout_s));
        overrides.efforts = {{"grok", "high"}, {"", "low"}};
        config = fixture.run(overrides, k_all_keys);
        CHECK(seat_of(config, "gpt").effort == Effort::low);
        CHECK(seat_of(config, "gemini").effort == Effort::low);
        CHECK(seat_of(config, "grok").effort == Effort::high); // the named seat wins
    }
    SECTION("bad efforts") {
        Overrides overrides;
        overrides.efforts = {{"gtp", "low"}};
        CHECK(fixture.error(overrides) ==
              "unknown seat 'gtp' in --effort gtp=low (known: claude, gpt, gemini, grok, bull, "
              "bear, skeptic, quant)");
        overrides.efforts = {{"", "max"}};
        CHECK(fixture.error(overrides) == "--effort max: the level must be low, medium or high");
        CHECK(error_of("[seats.gpt]\neffort = \"max\"\n") ==
              path + ":2: 'seats.gpt.effort' must be low, medium or high (got 'max')");
    }
    SECTION("a temperature the model refuses is a notice and is not kept") {
        const PanelConfig config = fixture.run(
            fixture.with_file("[seats.claude]\ntemperature = 0.2\n[seats.grok]\nmodel = "
                              "\"grok-4-fast-non-reasoning\"\ntemperature = 0.3\n"),
            k_all_keys);
        CHECK_FALSE(seat_of(config, "claude").temperature.has_value());
        CHECK(seat_of(config, "grok").temperature == Approx(0.3));
        REQUIRE(config.notices.size() == 1);
        CHECK(config.notices[0] == "seat 'claude': model claude-sonnet-5-5 takes no sampling "
                                   "parameters; temperature 0.2 is not sent");
    }
    SECTION("an unlisted model is a notice; max_tokens stays an override") {
        Overrides overrides = fixture.with_file("[seats.gpt]\nmax_tokens = 3000\n");
        overrides.models = {{"gpt", "gpt-9"}};
        const PanelConfig config = fixture.run(overrides, k_all_keys);
        CHECK(seat_of(config, "gpt").max_tokens == 3000);
        CHECK_FALSE(seat_of(config, "gpt").traits.listed);
        REQUIRE(config.notices.size() == 1);
        CHECK(config.notices[0] ==
              "seat 'gpt': model 'gpt-9' is not in the catalogue (see `roundtable models`); it is "
              "sent no reasoning or sampling parameter, with room to reason");
    }
}

TEST_CASE("config::[store]") {
    const Fixture fixture;
    using roundtable::config::StoreSettings;
    SECTION("defaults without the table") {
        CHECK(fixture.run({}).store == StoreSettings{1024, 30, 90});
    }
    SECTION("each key, 0 for no limit") {
        const auto overrides = fixture.with_file(
            "[store]\ncache_max_mb = 200\ncache_max_age_days = 0\nlog_max_age_days = 365\n");
        CHECK(fixture.run(overrides).store == StoreSettings{200, 0, 365});
    }
    SECTION("load_store_settings reads the same table without resolving the panel") {
        // A panel that could not sit (no key) does not stop the store settings.
        const auto overrides =
            fixture.with_file("[panel]\nseats = [\"claude\"]\n[store]\ncache_max_mb = 7\n");
        CHECK(roundtable::config::load_store_settings(
                  overrides, Env::from_map({{"XDG_CONFIG_HOME", "/nonexistent"}})) ==
              StoreSettings{7, 30, 90});
        CHECK_FALSE(fixture.error(overrides).empty());
    }
    SECTION("load_store_settings without a file gives the defaults") {
        CHECK(roundtable::config::load_store_settings(
                  {}, Env::from_map({{"XDG_CONFIG_HOME", "/nonexistent"}})) == StoreSettings{});
    }
    SECTION("unknown keys, wrong types and ranges are errors with their line") {
        CHECK(fixture.error(fixture.with_file("[store]\ncache_max_gb = 1\n")) ==
              fixture.file_path() + ":2: unknown key 'store.cache_max_gb'");
        CHECK(fixture.error(fixture.with_file("[store]\ncache_max_mb = \"1G\"\n")) ==
              fixture.file_path() +
                  ":2: 'store.cache_max_mb' must be a whole number between 0 (no limit) and "
                  "1073741824");
        CHECK(fixture.error(fixture.with_file("[store]\nlog_max_age_days = -3\n")) ==
              fixture.file_path() +
                  ":2: 'store.log_max_age_days' must be a whole number between 0 (no limit) and "
                  "36500");
        CHECK(fixture.error(fixture.with_file("[store]\ncache_max_age_days = 1.5\n")) ==
              fixture.file_path() +
                  ":2: 'store.cache_max_age_days' must be a whole number between 0 (no limit) and "
                  "36500");
        CHECK(fixture.error(fixture.with_file("store = 3\n")) ==
              fixture.file_path() + ":1: 'store' must be a table");
    }
}

TEST_CASE("config::load bounds the config file's size") {
    const Fixture fixture;
    SECTION("a file over 1 MiB is refused with its path, unparsed") {
        std::string text = "# roundtable\n";
        text.append(1024 * 1024, '#');
        const auto overrides = fixture.with_file(text);
        CHECK(fixture.error(overrides) ==
              "config file '" + fixture.file_path() + "' is larger than 1 MiB");
    }
    SECTION("a file just under 1 MiB is read") {
        std::string text = "[panel]\nquorum = 2\n#";
        text.append(1024 * 1024 - text.size(), '#');
        const auto overrides = fixture.with_file(text);
        CHECK(fixture.run(overrides).quorum == 2);
    }
}

TEST_CASE("config::load warns of a key shorter than 8 characters") {
    Fixture fixture;
    const PanelConfig config = fixture.run({}, {{"ANTHROPIC_API_KEY", "x"},
                                                {"OPENAI_API_KEY", "sk-1234"},
                                                {"GEMINI_API_KEY", "a-long-enough-key"}});
    CHECK(std::count(config.notices.begin(), config.notices.end(),
                     "warning: ANTHROPIC_API_KEY is 1 character long, shorter than any real API "
                     "key; check it") == 1);
    CHECK(std::count(config.notices.begin(), config.notices.end(),
                     "warning: OPENAI_API_KEY is 7 characters long, shorter than any real API "
                     "key; check it") == 1);
    for (const std::string& notice : config.notices) {
        CHECK(notice.find("GEMINI_API_KEY is") == std::string::npos);
    }
}

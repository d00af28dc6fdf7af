#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <roundtable/providers/codec.hpp>
#include <roundtable/providers/defaults.hpp>
#include <roundtable/providers/factory.hpp>
#include <roundtable/util/error.hpp>
#include <string>

using namespace roundtable;
using namespace roundtable::providers;

namespace {

// Sets (or unsets) an environment variable for the scope, restoring it after.
class ScopedEnv {
public:
    ScopedEnv(std::string name, const char* value) : m_name(std::move(name)) {
        if (const char* old = std::getenv(m_name.c_str())) {
            m_old = old;
        }
        if (value == nullptr) {
            ::unsetenv(m_name.c_str());
        } else {
            ::setenv(m_name.c_str(), value, 1);
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ~ScopedEnv() {
        if (m_old) {
            ::setenv(m_name.c_str(), m_old->c_str(), 1);
        } else {
            ::unsetenv(m_name.c_str());
        }
    }

private:
    std::string m_name;
    std::optional<std::string> m_old;
};

SeatConfig seat(std::string name, std::string provider, std::string key_env = "") {
    SeatConfig s;
    s.name = std::move(name);
    s.provider = std::move(provider);
    s.model = "m";
    s.api_key_env = std::move(key_env);
    return s;
}

std::string config_error(const SeatConfig& s) {
    try {
        (void)make_provider(s);
    } catch (const Error& error) {
        return std::to_string(static_cast<int>(error.code())) + " " + error.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("factory::default_base_url") {
    SECTION("knows each hosted provider's base") {
        CHECK(default_base_url("anthropic") == "https://api.anthropic.com");
        CHECK(default_base_url("openai") == "https://api.openai.com/v1");
        CHECK(default_base_url("xai") == "https://api.x.ai/v1");
        CHECK(default_base_url("gemini") == "https://generativelanguage.googleapis.com");
    }
    SECTION("has none for compatible, offline and unknown names") {
        CHECK(default_base_url("openai-compatible").empty());
        CHECK(default_base_url("offline").empty());
        CHECK(default_base_url("nope").empty());
    }
}

TEST_CASE("factory::default_key_env") {
    SECTION("names each provider's variable") {
        CHECK(default_key_env("anthropic") == "ANTHROPIC_API_KEY");
        CHECK(default_key_env("openai") == "OPENAI_API_KEY");
        CHECK(default_key_env("gemini") == "GEMINI_API_KEY");
        CHECK(default_key_env("xai") == "XAI_API_KEY");
        CHECK(default_key_env("openai-compatible").empty());
        CHECK(fallback_key_env("GEMINI_API_KEY") == "GOOGLE_API_KEY");
        CHECK(fallback_key_env("OPENAI_API_KEY").empty());
    }
}

TEST_CASE("factory::make_codec") {
    SECTION("returns a codec per protocol and none for others") {
        for (const std::string kind :
             {"anthropic", "openai", "xai", "gemini", "openai-compatible"}) {
            const auto codec = make_codec(kind);
            REQUIRE(codec);
            CHECK(codec->kind() == kind);
        }
        CHECK(make_codec("offline") == nullptr);
        CHECK(make_codec("claude") == nullptr);
    }
}

TEST_CASE("factory::make_provider") {
    SECTION("rejects an unknown provider") {
        CHECK(config_error(seat("x", "y")) ==
              "4 seat 'x': unknown provider 'y' (expected anthropic, openai, gemini, xai, "
              "openai-compatible or "
              "offline)");
    }
    SECTION("requires the key of a hosted provider") {
        const ScopedEnv env("RT_TEST_MISSING_KEY", nullptr);
        CHECK(config_error(seat("gpt", "openai", "RT_TEST_MISSING_KEY")) ==
              "4 seat 'gpt' needs RT_TEST_MISSING_KEY: set it in the environment");
        const ScopedEnv empty("RT_TEST_EMPTY_KEY", "");
        CHECK(config_error(seat("claude", "anthropic", "RT_TEST_EMPTY_KEY")) ==
              "4 seat 'claude' needs RT_TEST_EMPTY_KEY: set it in the environment");
    }
    SECTION("uses the provider's default variable") {
        const ScopedEnv env("OPENAI_API_KEY", nullptr);
        CHECK(config_error(seat("gpt", "openai")) ==
              "4 seat 'gpt' needs OPENAI_API_KEY: set it in the environment");
    }
    SECTION("falls back to GOOGLE_API_KEY for gemini") {
        const ScopedEnv gemini("GEMINI_API_KEY", nullptr);
        const ScopedEnv google_unset("GOOGLE_API_KEY", nullptr);
        CHECK(
            config_error(seat("gemini", "gemini")) ==
            "4 seat 'gemini' needs GEMINI_API_KEY (or GOOGLE_API_KEY): set it in the environment");
        const ScopedEnv google("GOOGLE_API_KEY", "AIza-test");
        const auto provider = make_provider(seat("gemini", "gemini"));
        REQUIRE(provider);
        CHECK(provider->kind() == "gemini");
    }
    SECTION("builds a hosted provider when its key is set") {
        const ScopedEnv env("RT_TEST_KEY", "sk-test-SENTINEL");
        const auto provider = make_provider(seat("grok", "xai", "RT_TEST_KEY"));
        REQUIRE(provider);
        CHECK(provider->kind() == "xai");
        CHECK(provider->model() == "m");
        CHECK(provider->describe_request(Request{}).find("sk-test-SENTINEL") == std::string::npos);
    }
    SECTION("requires base_url for openai-compatible, but no key") {
        CHECK(
            config_error(seat("local", "openai-compatible")) ==
            "4 seat 'local': provider openai-compatible needs base_url (the server's address, e.g. "
            "http://localhost:11434/v1 for Ollama)");
        auto s = seat("local", "openai-compatible");
        s.base_url = "http://localhost:11434/v1";
        const auto provider = make_provider(s);
        REQUIRE(provider);
        CHECK(provider->kind() == "openai-compatible");
        CHECK(provider->describe_request(Request{}).find("authorization") == std::string::npos);
    }
    SECTION("builds the offline analysts") {
        auto s = seat("bull", "offline");
        s.model = "bull";
        const auto provider = make_provider(s);
        REQUIRE(provider);
        CHECK(provider->kind() == "offline");
    }
}

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <roundtable/render/terminal.hpp>
#include <string>

using namespace roundtable::render;

namespace {

// Sets (or unsets) an environment variable for one scope, restoring it after.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : m_name(name) {
        if (const char* old = std::getenv(name)) {
            m_old = old;
        }
        if (value != nullptr) {
            ::setenv(name, value, 1);
        } else {
            ::unsetenv(name);
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

} // namespace

TEST_CASE("terminal::want_color") {
    SECTION("always and never ignore the terminal") {
        ScopedEnv env("NO_COLOR", nullptr);
        CHECK(want_color("always", false));
        CHECK_FALSE(want_color("never", true));
    }
    SECTION("auto follows the terminal without NO_COLOR") {
        ScopedEnv env("NO_COLOR", nullptr);
        CHECK(want_color("auto", true));
        CHECK_FALSE(want_color("auto", false));
    }
    SECTION("NO_COLOR set and non-empty disables auto, not always") {
        ScopedEnv env("NO_COLOR", "1");
        CHECK_FALSE(want_color("auto", true));
        CHECK(want_color("always", true));
    }
    SECTION("an empty NO_COLOR is ignored") {
        ScopedEnv env("NO_COLOR", "");
        CHECK(want_color("auto", true));
    }
    SECTION("an unknown mode means no colour") {
        ScopedEnv env("NO_COLOR", nullptr);
        CHECK_FALSE(want_color("sometimes", true));
    }
}

TEST_CASE("terminal::terminal_width") {
    // Under ctest stdout is not a terminal, so COLUMNS and the fallback decide; when a
    // developer runs the suite in a terminal, only the clamp can be checked.
    const bool tty = stdout_is_tty();
    SECTION("COLUMNS is used and clamped") {
        ScopedEnv env("COLUMNS", "100");
        int width = terminal_width(70);
        CHECK(width >= k_min_width);
        CHECK(width <= k_max_width);
        if (!tty) {
            CHECK(width == 100);
            ScopedEnv wide("COLUMNS", "400");
            CHECK(terminal_width() == k_max_width);
            ScopedEnv narrow("COLUMNS", "10");
            CHECK(terminal_width() == k_min_width);
        }
    }
    SECTION("fallback when COLUMNS is unset or garbage") {
        ScopedEnv env("COLUMNS", "wide");
        if (!tty) {
            CHECK(terminal_width(72) == 72);
            CHECK(terminal_width(5) == k_min_width);
            ScopedEnv unset("COLUMNS", nullptr);
            CHECK(terminal_width() == 80);
        }
    }
}

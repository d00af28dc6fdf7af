#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <roundtable/render/terminal.hpp>
#include <string_view>
#include <sys/ioctl.h>
#include <unistd.h>

namespace roundtable::render {

bool stdout_is_tty() {
    return ::isatty(STDOUT_FILENO) == 1;
}

namespace {

int width_of(int fd, int fallback) {
    int width = 0;
    struct winsize size {};
    if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
        width = size.ws_col;
    } else if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
        const std::string_view text(columns);
        int parsed = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
        if (error == std::errc() && end == text.data() + text.size() && parsed > 0) {
            width = parsed;
        }
    }
    if (width <= 0) {
        width = fallback;
    }
    return std::clamp(width, k_min_width, k_max_width);
}

} // namespace

int terminal_width(int fallback) {
    return width_of(STDOUT_FILENO, fallback);
}

int stderr_width(int fallback) {
    return width_of(STDERR_FILENO, fallback);
}

bool want_color(std::string_view mode, bool is_tty) {
    if (mode == "always") {
        return true;
    }
    if (mode != "auto") {
        return false;
    }
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color != nullptr && no_color[0] != '\0') {
        return false;
    }
    return is_tty;
}

} // namespace roundtable::render

// The terminal seam of rendering: is stdout a terminal, how wide is it, and
// should the card be coloured (honouring NO_COLOR, https://no-color.org).
//
// Functions read process state (file descriptors, the environment) and are
// thread-safe as long as nobody modifies the environment concurrently.
#pragma once

#include <string_view>

namespace roundtable::render {

inline constexpr int k_min_width = 40;
inline constexpr int k_max_width = 120;

// Returns whether standard output is a terminal; false when it cannot be told.
bool stdout_is_tty();

// Returns the width of the terminal on stdout (TIOCGWINSZ), else $COLUMNS, else
// `fallback`, clamped to [k_min_width, k_max_width]; never fails.
int terminal_width(int fallback = 80);

// Returns the width of the terminal on stderr, as terminal_width() does for stdout; never fails.
int stderr_width(int fallback = 80);

// Returns whether to colour output for `mode` "always", "never" or "auto" (colour
// when `is_tty` and NO_COLOR is unset or empty); an unknown mode yields false.
bool want_color(std::string_view mode, bool is_tty);

} // namespace roundtable::render

// Extraction scorer: reads folders of web pages with their expected article texts,
// extracts each page as `roundtable` does (article::from_bytes), and prints
// precision, recall and F1 by word-shingle overlap, the measure of the public
// article-extraction benchmarks:
//
//   - words are maximal runs of letters, digits and '_' (Unicode categories L*, N*);
//   - a page's shingles are its runs of 4 consecutive words (a page of fewer words
//     has one shingle of them all), counted as a multiset;
//   - per page, true positives are the shingles both texts share (with multiplicity),
//     false positives the extracted ones in excess, false negatives the expected ones
//     missing; the three are divided by their sum so long pages weigh no more;
//   - precision is the mean over pages that extracted something, recall the mean over
//     pages that expect something, F1 their harmonic mean.
//
// Layouts read in each folder given:
//   NAME.html (or .htm) beside NAME.txt (the expected text);
//   NAME/source.html beside NAME/expected.txt, or NAME/expected.html (an expected
//   article as HTML, read as all of its visible text), as Readability's test pages.
//
// Usage: score_extract [--worst N] [--dump DIR] FOLDER...
// Figures only; the exit code is 2 when a folder holds no page.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <roundtable/article/article.hpp>
#include <roundtable/article/html.hpp>
#include <roundtable/article/normalize.hpp>
#include <roundtable/util/error.hpp>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utf8proc.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Page {
    std::string name;
    fs::path source;
    fs::path expected;
};

struct Counts {
    double tp = 0;
    double fp = 0;
    double fn = 0;
};

struct Scored {
    std::string name;
    Counts counts;
    double f1 = 0;
    double ms = 0;
    std::string error; // why extraction refused the page; empty when it did not
};

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

bool is_word_char(utf8proc_int32_t code_point) {
    if (code_point == '_') {
        return true;
    }
    switch (utf8proc_category(code_point)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return true;
    default:
        return false;
    }
}

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out;
    std::string word;
    const auto* data = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    std::size_t pos = 0;
    while (pos < text.size()) {
        utf8proc_int32_t code_point = 0;
        const utf8proc_ssize_t length = utf8proc_iterate(
            data + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &code_point);
        const std::size_t step = length > 0 ? static_cast<std::size_t>(length) : 1;
        if (length > 0 && is_word_char(code_point)) {
            word.append(text.substr(pos, step));
        } else if (!word.empty()) {
            out.push_back(std::move(word));
            word.clear();
        }
        pos += step;
    }
    if (!word.empty()) {
        out.push_back(std::move(word));
    }
    return out;
}

std::unordered_map<std::string, int> shingles(std::string_view text) {
    constexpr std::size_t k_n = 4;
    const std::vector<std::string> w = words(text);
    std::unordered_map<std::string, int> out;
    if (w.empty()) {
        return out;
    }
    const std::size_t count = w.size() >= k_n ? w.size() - k_n + 1 : 1;
    for (std::size_t i = 0; i < count; ++i) {
        std::string key;
        for (std::size_t j = i; j < std::min(i + k_n, w.size()); ++j) {
            key.append(w[j]);
            key.push_back('\x1f');
        }
        ++out[key];
    }
    return out;
}

Counts match(std::string_view expected, std::string_view extracted) {
    const auto truth = shingles(expected);
    const auto guess = shingles(extracted);
    Counts c;
    for (const auto& [key, n] : truth) {
        const auto it = guess.find(key);
        const int m = it == guess.end() ? 0 : it->second;
        c.tp += std::min(n, m);
        c.fn += std::max(0, n - m);
    }
    for (const auto& [key, m] : guess) {
        const auto it = truth.find(key);
        const int n = it == truth.end() ? 0 : it->second;
        c.fp += std::max(0, m - n);
    }
    const double sum = c.tp + c.fp + c.fn;
    if (sum > 0) {
        c.tp /= sum;
        c.fp /= sum;
        c.fn /= sum;
    }
    return c;
}

double precision_of(const Counts& c) {
    return c.fp == 0 && c.fn == 0 ? 1.0 : c.tp / (c.tp + c.fp);
}

double recall_of(const Counts& c) {
    return c.fp == 0 && c.fn == 0 ? 1.0 : c.tp / (c.tp + c.fn);
}

std::vector<Page> find_pages(const fs::path& folder) {
    std::vector<Page> pages;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const fs::path& path = entry.path();
        if (entry.is_directory()) {
            const fs::path source = path / "source.html";
            for (const char* name : {"expected.txt", "expected.html"}) {
                if (fs::exists(source) && fs::exists(path / name)) {
                    pages.push_back({path.filename().string(), source, path / name});
                    break;
                }
            }
        } else if (path.extension() == ".html" || path.extension() == ".htm") {
            fs::path expected = path;
            expected.replace_extension(".txt");
            if (fs::exists(expected)) {
                pages.push_back({path.stem().string(), path, expected});
            }
        }
    }
    std::sort(pages.begin(), pages.end(),
              [](const Page& a, const Page& b) { return a.name < b.name; });
    return pages;
}

Scored score_page(const Page& page, const std::optional<fs::path>& dump) {
    Scored s;
    s.name = page.name;
    std::string expected = read_all(page.expected);
    if (page.expected.extension() == ".html") {
        expected = roundtable::article::html_all_text(expected);
    }
    roundtable::article::ReadOptions options;
    options.max_bytes = std::size_t{64} << 20;
    std::string extracted;
    const auto start = std::chrono::steady_clock::now();
    try {
        extracted = roundtable::article::from_bytes(read_all(page.source), page.name, options).text;
    } catch (const roundtable::Error& e) {
        s.error = e.what();
    }
    s.ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (dump) {
        std::ofstream(*dump / (page.name + ".txt"), std::ios::binary) << extracted;
    }
    s.counts = match(expected, extracted);
    const double p = precision_of(s.counts);
    const double r = recall_of(s.counts);
    s.f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
    return s;
}

int usage() {
    std::fputs("usage: score_extract [--worst N] [--dump DIR] FOLDER...\n", stderr);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t worst = 0;
    std::optional<fs::path> dump;
    std::vector<fs::path> folders;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--worst" && i + 1 < argc) {
            worst = std::stoul(argv[++i]);
        } else if (arg == "--dump" && i + 1 < argc) {
            dump = argv[++i];
            fs::create_directories(*dump);
        } else if (arg.starts_with("-")) {
            return usage();
        } else {
            folders.emplace_back(arg);
        }
    }
    if (folders.empty()) {
        return usage();
    }
    int status = 0;
    for (const fs::path& folder : folders) {
        const std::vector<Page> pages = find_pages(folder);
        if (pages.empty()) {
            fmt::print(stderr, "score_extract: {}: no pages with expected texts\n",
                       folder.string());
            status = 2;
            continue;
        }
        std::vector<Scored> scored;
        for (const Page& page : pages) {
            scored.push_back(score_page(page, dump));
        }
        double p_sum = 0;
        double r_sum = 0;
        std::size_t p_n = 0;
        std::size_t r_n = 0;
        double ms_sum = 0;
        double ms_max = 0;
        std::size_t refused = 0;
        for (const Scored& s : scored) {
            if (s.counts.tp + s.counts.fp > 0) {
                p_sum += precision_of(s.counts);
                ++p_n;
            }
            if (s.counts.tp + s.counts.fn > 0) {
                r_sum += recall_of(s.counts);
                ++r_n;
            }
            ms_sum += s.ms;
            ms_max = std::max(ms_max, s.ms);
            refused += s.error.empty() ? 0 : 1;
        }
        const double p = p_n > 0 ? p_sum / static_cast<double>(p_n) : 0;
        const double r = r_n > 0 ? r_sum / static_cast<double>(r_n) : 0;
        const double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
        fmt::print("{}: {} pages  precision {:.3f}  recall {:.3f}  F1 {:.3f}  refused {}  "
                   "extraction {:.1f} ms mean, {:.1f} ms max\n",
                   folder.string(), scored.size(), p, r, f1, refused,
                   ms_sum / static_cast<double>(scored.size()), ms_max);
        for (const Scored& s : scored) {
            if (!s.error.empty()) {
                fmt::print("  refused {}\n", s.error);
            }
        }
        if (worst > 0) {
            std::sort(scored.begin(), scored.end(),
                      [](const Scored& a, const Scored& b) { return a.f1 < b.f1; });
            for (std::size_t i = 0; i < std::min(worst, scored.size()); ++i) {
                const Scored& s = scored[i];
                fmt::print("  F1 {:.3f}  P {:.3f}  R {:.3f}  {}\n", s.f1, precision_of(s.counts),
                           recall_of(s.counts), s.name);
            }
        }
    }
    return status;
}

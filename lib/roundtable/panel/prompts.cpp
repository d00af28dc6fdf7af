#include <fmt/format.h>
#include <fstream>
#include <roundtable/embedded_prompts.hpp>
#include <roundtable/panel/prompts.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/hash.hpp>
#include <sstream>

namespace roundtable::panel {

namespace {

struct TemplateSpec {
    std::string_view file;
    std::string PromptSet::*member;
    std::vector<std::string_view> required; // placeholders the pipeline depends on
};

const std::vector<TemplateSpec>& specs() {
    static const std::vector<TemplateSpec> k_specs{
        {"system.txt", &PromptSet::system, {}},
        {"article.txt", &PromptSet::article, {"{{boundary}}", "{{article}}"}},
        {"take.txt", &PromptSet::take, {}},
        {"rebuttal.txt", &PromptSet::rebuttal, {"{{others}}"}},
        {"consensus.txt", &PromptSet::consensus, {"{{debate}}", "{{stance}}"}},
    };
    return k_specs;
}

std::string_view embedded_text(std::string_view file) {
    for (const auto& [name, text] : embedded::prompts::k_files) {
        if (name == file) {
            return text;
        }
    }
    return {};
}

} // namespace

PromptSet PromptSet::embedded() {
    PromptSet set;
    for (const auto& spec : specs()) {
        set.*spec.member = std::string(embedded_text(spec.file));
    }
    return set;
}

PromptSet PromptSet::from_dir(const std::string& dir) {
    PromptSet set;
    for (const auto& spec : specs()) {
        std::string path = fmt::format("{}/{}", dir, spec.file);
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            throw Error(Exit::usage, fmt::format("--prompts: cannot read {}", path));
        }
        std::ostringstream buffer;
        buffer << in.rdbuf();
        std::string text = buffer.str();
        for (auto placeholder : spec.required) {
            if (text.find(placeholder) == std::string::npos) {
                throw Error(Exit::usage, fmt::format("--prompts: {} lacks the placeholder {}", path,
                                                     placeholder));
            }
        }
        set.*spec.member = std::move(text);
    }
    return set;
}

std::vector<std::pair<std::string, std::string>> PromptSet::files() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& spec : specs()) {
        out.emplace_back(std::string(spec.file), this->*spec.member);
    }
    return out;
}

std::string render_template(std::string_view tmpl,
                            const std::map<std::string, std::string>& values) {
    std::string out;
    out.reserve(tmpl.size() + 256);
    std::size_t pos = 0;
    while (pos < tmpl.size()) {
        std::size_t open = tmpl.find("{{", pos);
        if (open == std::string_view::npos) {
            break;
        }
        std::size_t close = tmpl.find("}}", open + 2);
        if (close == std::string_view::npos) {
            break;
        }
        out.append(tmpl.substr(pos, open - pos));
        std::string name(tmpl.substr(open + 2, close - open - 2));
        if (auto it = values.find(name); it != values.end()) {
            out += it->second;
        } else {
            out.append(tmpl.substr(open, close + 2 - open));
        }
        pos = close + 2;
    }
    out.append(tmpl.substr(pos));
    return out;
}

std::string fence_token(std::string_view text, std::string_view title) {
    std::string seed = "roundtable-fence\n";
    seed.append(title);
    seed.push_back('\n');
    seed.append(text);
    for (int attempt = 0;; ++attempt) {
        std::string token = "RT-" + util::sha256_hex(seed + std::to_string(attempt)).substr(0, 20);
        if (text.find(token) == std::string_view::npos &&
            title.find(token) == std::string_view::npos) {
            return token;
        }
    }
}

} // namespace roundtable::panel

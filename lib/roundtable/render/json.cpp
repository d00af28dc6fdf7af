#include <roundtable/render/render.hpp>

namespace roundtable::render {

std::string render_json(const panel::Card& card) {
    std::string out = panel::to_json_text(card, 2);
    out += '\n';
    return out;
}

} // namespace roundtable::render

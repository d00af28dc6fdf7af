// An in-process Provider whose replies a test scripts with a function, and
// which records every request it receives. Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <roundtable/providers/provider.hpp>
#include <string>
#include <vector>

namespace roundtable::testing {

class ScriptedProvider : public providers::Provider {
public:
    using Script = std::function<std::expected<providers::Reply, providers::Failure>(
        const providers::Request&)>;

    ScriptedProvider(std::string model, Script script)
        : m_model(std::move(model)), m_script(std::move(script)) {}

    std::string_view kind() const override { return "scripted"; }
    const std::string& model() const override { return m_model; }
    std::expected<providers::Reply, providers::Failure>
    complete(const providers::Request& request) override {
        {
            std::lock_guard lock(m_mutex);
            m_requests.push_back(request);
        }
        return m_script(request);
    }
    std::string describe_request(const providers::Request& request) const override {
        return "scripted " + request.schema_name;
    }

    std::vector<providers::Request> requests() const {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }

    // Returns a reply holding `text`.
    static providers::Reply text_reply(std::string text) {
        providers::Reply reply;
        reply.text = std::move(text);
        reply.model = "scripted";
        reply.finish_reason = "stop";
        reply.usage.input_tokens = 100;
        reply.usage.output_tokens = 20;
        return reply;
    }

private:
    std::string m_model;
    Script m_script;
    mutable std::mutex m_mutex;
    std::vector<providers::Request> m_requests;
};

} // namespace roundtable::testing

// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// rackd.conf and agent.conf, from memory: the same bytes through both typed readers (a file either
// gives a configuration or at least one problem), and each line through the agent's command splitter.
#include "fuzzsupport.h"

#include "agentconfig.h"
#include "argumentlist.h"
#include "rackdconfig.h"

using namespace Qt::Literals::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray content = Fuzz::bytes(data, size);

    QStringList errors;
    if (const std::optional<RackdConfig> config
        = RackdConfig::parse(content, u"/etc/pirack/rackd.conf"_s, &errors)) {
        RackdConfig::coldBootPolicyName(config->coldBootPolicy);
        const RecoverySettings &recovery = config->recovery;
        PIRACK_FUZZ_CHECK(recovery.attempts >= 1 && recovery.attempts <= 100
                && recovery.window.count() >= 60000 && recovery.lostAfter.count() >= 0
                && recovery.backoffBefore(recovery.attempts + 1).count() >= 0,
            QString::number(recovery.attempts));
    } else {
        PIRACK_FUZZ_CHECK(!errors.isEmpty(), QString());
    }

    errors.clear();
    if (const std::optional<AgentConfig> config
        = AgentConfig::parse(content, u"/etc/pirack/agent.conf"_s, &errors)) {
        for (auto it = config->commands.cbegin(); it != config->commands.cend(); ++it)
            PIRACK_FUZZ_CHECK(!it.value().argv.isEmpty(), it.key());
    } else {
        PIRACK_FUZZ_CHECK(!errors.isEmpty(), QString());
    }

    for (const QByteArray &line : content.split('\n')) {
        QString error;
        if (!splitArguments(QString::fromUtf8(line), &error))
            PIRACK_FUZZ_CHECK(!error.isEmpty(), QString::fromUtf8(line));
    }
    return 0;
}

// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// rackd's state files, which it reads at start: the same bytes as tokens.json, nodes.json,
// join-secrets.json, the relay state and maintenance.json. These stores read from a path only, so each input
// is written once to a file in this process's temporary folder.
#include "fuzzsupport.h"

#include "joinsecretstore.h"
#include "nodeinventory.h"
#include "recovery/maintenancestore.h"
#include "relaystatestore.h"
#include "tokenstore.h"

using namespace Qt::Literals::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString path = Fuzz::writeTemporaryFile(u"state.json"_s, Fuzz::bytes(data, size));
    QString error;

    TokenStore tokens(path);
    if (tokens.load(&error)) {
        for (const TokenInfo &token : tokens.tokens())
            PIRACK_FUZZ_CHECK(TokenStore::isValidName(token.name) && token.hash.size() == 32, token.name);
        tokens.authenticate(u"prt_not-a-token"_s);
    } else {
        PIRACK_FUZZ_CHECK(!error.isEmpty(), QString());
    }

    error.clear();
    NodeInventory nodes(path);
    if (nodes.load(&error)) {
        for (const NodeRecord &node : nodes.nodes()) {
            node.toJson();
            PIRACK_FUZZ_CHECK(nodes.node(node.mac).has_value(), node.mac);
            if (node.stack && node.slot)
                nodes.nodeAt(*node.stack, *node.slot);
        }
        nodes.authenticate(QByteArray(32, '\0'));
    } else {
        PIRACK_FUZZ_CHECK(!error.isEmpty(), QString());
    }

    error.clear();
    JoinSecretStore secrets(path);
    if (secrets.load(&error)) {
        secrets.secrets();
    } else {
        PIRACK_FUZZ_CHECK(!error.isEmpty(), QString());
    }

    error.clear();
    MaintenanceStore maintenance(path);
    if (maintenance.load(&error)) {
        for (auto it = maintenance.stacks().cbegin(); it != maintenance.stacks().cend(); ++it)
            PIRACK_FUZZ_CHECK(it.key() >= 1 && it->since.isValid(), it->reason);
        for (auto it = maintenance.nodes().cbegin(); it != maintenance.nodes().cend(); ++it)
            PIRACK_FUZZ_CHECK(maintenance.node(it.key()).has_value() && it->since.isValid(), it.key());
    } else {
        PIRACK_FUZZ_CHECK(!error.isEmpty(), QString());
    }

    error.clear();
    bool damaged = false;
    const RelayStateStore relays(path);
    if (!relays.load(&error, &damaged))
        PIRACK_FUZZ_CHECK(damaged == !error.isEmpty(), error);
    return 0;
}

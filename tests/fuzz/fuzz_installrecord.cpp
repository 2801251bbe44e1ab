// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// install.json as rackd reads it back to resume an install. A record it reads must be saved and read
// again: rackd rewrites the file at every step.
#include "fuzzsupport.h"

#include "protocol/installrecord.h"

#include <QJsonDocument>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QJsonDocument document = QJsonDocument::fromJson(Fuzz::bytes(data, size));
    if (!document.isObject())
        return 0;
    QString error;
    std::optional<InstallRecord> record = InstallRecord::fromJson(document.object(), &error);
    if (!record) {
        PIRACK_FUZZ_CHECK(!error.isEmpty(), QString());
        return 0;
    }
    record->isActive();
    record->currentStack();
    for (const InstallStack &stack : std::as_const(record->stacks)) {
        stack.isListening();
        stack.isSettled();
        record->stack(stack.id);
    }
    const QJsonObject written = record->toJson();
    const std::optional<InstallRecord> again = InstallRecord::fromJson(written, &error);
    PIRACK_FUZZ_CHECK(again.has_value(),
        error + u'\n' + QString::fromUtf8(QJsonDocument(written).toJson(QJsonDocument::Compact)));
    PIRACK_FUZZ_CHECK(again->toJson() == written, QString::fromUtf8(QJsonDocument(written).toJson()));
    return 0;
}

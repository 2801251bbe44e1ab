// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Every protocol message's fromJson() on the objects a peer could send (one object, or an array of
// them). A message that parses must serialize to something that parses again to the same JSON.
#include "fuzzsupport.h"

#include "protocol/messages.h"

#include <QDebug>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace {

template<typename Message>
void check(const QJsonObject &object)
{
    QString problem;
    const std::optional<Message> message = Message::fromJson(object, &problem);
    if (!message) {
        PIRACK_FUZZ_CHECK(!problem.isEmpty(), QString());
        return;
    }
    const QJsonObject written = message->toJson();
    QString again;
    const std::optional<Message> reread = Message::fromJson(written, &again);
    const QString detail = QString::fromUtf8(QJsonDocument(written).toJson(QJsonDocument::Compact));
    PIRACK_FUZZ_CHECK(reread.has_value(), again + u" in "_s + detail);
    PIRACK_FUZZ_CHECK(reread->toJson() == written, detail);
}

template<typename Message>
void debugPrint(const QJsonObject &object)
{
    QString problem;
    if (const std::optional<Message> message = Message::fromJson(object, &problem)) {
        QString text;
        QDebug(&text) << *message;
    }
}

void checkObject(const QJsonObject &object)
{
    Protocol::typeOf(object);
    check<Protocol::Hello>(object);
    check<Protocol::Welcome>(object);
    check<Protocol::Request>(object);
    check<Protocol::Reply>(object);
    check<Protocol::Event>(object);
    check<Protocol::Error>(object);
    debugPrint<Protocol::Request>(object);
    debugPrint<Protocol::Reply>(object);
    debugPrint<Protocol::Event>(object);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QJsonDocument document = QJsonDocument::fromJson(Fuzz::bytes(data, size));
    if (document.isObject()) {
        checkObject(document.object());
    } else if (document.isArray()) {
        for (const QJsonValue &value : document.array()) {
            if (value.isObject())
                checkObject(value.toObject());
        }
    }
    return 0;
}

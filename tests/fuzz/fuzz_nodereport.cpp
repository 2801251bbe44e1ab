// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// NodeReport on what a node sends about itself: the object (a hello's "agent" or a heartbeat's
// metrics), and the objects one level inside it (an inventory entry's "identity" and "metrics", a
// hello's "agent"). What identity() and metrics() keep must be kept again unchanged, also after a
// round trip through the compact JSON rackd stores, and stay small. printable() of every string in
// the input, and of the input itself, must leave no control character and respect its length.
#include "fuzzsupport.h"

#include "nodereport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace {

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

bool isControl(uint codePoint)
{
    const QChar::Category category = QChar::category(char32_t(codePoint));
    return category == QChar::Other_Control || category == QChar::Other_Format
        || category == QChar::Separator_Line || category == QChar::Separator_Paragraph;
}

bool hasControl(const QString &text)
{
    const QList<uint> codePoints = text.toUcs4(); // Qt 6.4: not yet QList<char32_t>
    return std::any_of(codePoints.cbegin(), codePoints.cend(), isControl);
}

using Check = std::optional<QJsonObject> (*)(const QJsonObject &, QString *);

void checkKept(Check check, const QJsonObject &reported)
{
    QString problem;
    const std::optional<QJsonObject> kept = check(reported, &problem);
    if (!kept) {
        PIRACK_FUZZ_CHECK(!problem.isEmpty(), compact(reported));
        return;
    }
    const QByteArray json = QJsonDocument(*kept).toJson(QJsonDocument::Compact);
    PIRACK_FUZZ_CHECK(json.size() < 4096, QString::number(json.size()) + u" bytes"_s);
    // By code point: a format character outside the BMP is two QChars that are no control alone.
    for (const QJsonValue &value : *kept)
        PIRACK_FUZZ_CHECK(!hasControl(value.toString()), compact(*kept));

    const std::optional<QJsonObject> again = check(*kept, &problem);
    PIRACK_FUZZ_CHECK(again.has_value(), problem + u" in "_s + compact(*kept));
    PIRACK_FUZZ_CHECK(*again == *kept, compact(*again) + u" is not "_s + compact(*kept));

    // rackd keeps it in nodes.json and reads it back through the same check.
    const QJsonObject stored = QJsonDocument::fromJson(json).object();
    const std::optional<QJsonObject> reread = check(stored, &problem);
    PIRACK_FUZZ_CHECK(reread.has_value(), problem + u" in "_s + compact(stored));
    PIRACK_FUZZ_CHECK(*reread == *kept, compact(*reread) + u" is not "_s + compact(*kept));
}

void checkPrintable(const QString &text)
{
    // The default and a few short lengths, so that short inputs reach the cut too.
    for (const qsizetype maximumLength : {qsizetype(200), qsizetype(0), qsizetype(1), qsizetype(7)}) {
        const QString result = NodeReport::printable(text, maximumLength);
        const QString detail
            = u"printable(%1, %2) = %3"_s.arg(QString::fromLatin1(text.toUtf8().toPercentEncoding()),
                QString::number(maximumLength), QString::fromLatin1(result.toUtf8().toPercentEncoding()));
        PIRACK_FUZZ_CHECK(result.size() <= maximumLength + 1, detail);
        PIRACK_FUZZ_CHECK(!hasControl(result), detail);
    }
}

void checkStrings(const QJsonValue &value, int depth)
{
    if (depth > 8)
        return;
    if (value.isString()) {
        checkPrintable(value.toString());
    } else if (value.isArray()) {
        for (const QJsonValue &element : value.toArray())
            checkStrings(element, depth + 1);
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            checkPrintable(it.key());
            checkStrings(it.value(), depth + 1);
        }
    }
}

void checkReport(const QJsonObject &object)
{
    NodeReport::isMac(object.value(u"mac"_s).toString());
    checkKept(NodeReport::identity, object);
    checkKept(NodeReport::metrics, object);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = Fuzz::bytes(data, size);
    checkPrintable(QString::fromUtf8(input));
    const QJsonDocument document = QJsonDocument::fromJson(input);
    if (!document.isObject())
        return 0;
    const QJsonObject object = document.object();
    checkReport(object);
    for (const QJsonValue &member : object) {
        if (member.isObject())
            checkReport(member.toObject());
    }
    checkStrings(object, 0);
    return 0;
}

// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "nodereport.h"

#include "system/printable.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace NodeReport {

namespace {

bool hasControl(const QString &text) { return Printable::hasControl(text); }

bool matches(const QString &text, const QString &pattern)
{
    const QRegularExpression expression(QRegularExpression::anchoredPattern(pattern));
    return expression.match(text).hasMatch();
}

struct TextRule
{
    QString key;
    qsizetype maximumLength;
    QString pattern; ///< Empty: any printable text.
};

} // namespace

bool isMac(const QString &text)
{
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(u"([0-9a-f]{2}:){5}[0-9a-f]{2}"_s));
    return pattern.match(text).hasMatch();
}

std::optional<QJsonObject> identity(const QJsonObject &reported, QString *problem)
{
    static const QList<TextRule> rules {
        {u"interface"_s, 15, u"[A-Za-z0-9_.:@-]*"_s},
        {u"hostname"_s, 253, u"[A-Za-z0-9.-]*"_s},
        {u"model"_s, 128, {}},
        {u"serial"_s, 64, u"[A-Za-z0-9]*"_s},
    };
    QJsonObject kept;
    for (const TextRule &rule : rules) {
        if (!reported.contains(rule.key))
            continue;
        const QJsonValue value = reported.value(rule.key);
        const QString text = value.toString();
        const bool printableText = !hasControl(text);
        if (!value.isString() || text.size() > rule.maximumLength || !printableText
            || (!rule.pattern.isEmpty() && !matches(text, rule.pattern))) {
            *problem
                = u"the node's \"%1\" is not valid (text of at most %2 characters%3)"_s.arg(rule.key)
                      .arg(rule.maximumLength)
                      .arg(rule.pattern.isEmpty() ? u", no control characters"_s : u" of " + rule.pattern);
            return std::nullopt;
        }
        kept.insert(rule.key, text);
    }
    if (reported.contains(u"cores"_s)) {
        const double cores = reported.value(u"cores"_s).toDouble(-1);
        if (!(cores >= 1 && cores <= 4096) || cores != std::floor(cores)) {
            *problem = u"the node's \"cores\" is not a whole number from 1 to 4096"_s;
            return std::nullopt;
        }
        kept.insert(u"cores"_s, int(cores));
    }
    return kept;
}

std::optional<QJsonObject> metrics(const QJsonObject &reported, QString *problem)
{
    static const QStringList numbers {u"cpu_percent"_s, u"temperature_c"_s, u"memory_total_kib"_s,
        u"memory_available_kib"_s, u"load1"_s, u"load5"_s, u"load15"_s, u"uptime_s"_s};
    static const QStringList flags {u"under_voltage"_s, u"frequency_capped"_s, u"throttled"_s,
        u"soft_temperature_limit"_s, u"under_voltage_occurred"_s, u"throttled_occurred"_s};
    QJsonObject kept;
    for (const QString &key : numbers) {
        if (!reported.contains(key))
            continue;
        const QJsonValue value = reported.value(key);
        if (value.isString() && value.toString() == u"unavailable") {
            kept.insert(key, value);
            continue;
        }
        // Finite and within what any machine reports (1e15 KiB is an exabyte).
        if (!value.isDouble() || !std::isfinite(value.toDouble()) || std::fabs(value.toDouble()) > 1e15) {
            *problem = u"the metric \"%1\" is neither a number nor \"unavailable\""_s.arg(key);
            return std::nullopt;
        }
        kept.insert(key, value);
    }
    if (reported.contains(u"throttled"_s)) {
        const QJsonValue value = reported.value(u"throttled"_s);
        if (value.isString() && value.toString() == u"unavailable") {
            kept.insert(u"throttled"_s, value);
        } else if (value.isObject()) {
            const QJsonObject throttled = value.toObject();
            QJsonObject keptFlags;
            const QString raw = throttled.value(u"raw"_s).toString();
            if (!matches(raw, u"0x[0-9a-f]{1,8}"_s)) {
                *problem = u"the metric \"throttled.raw\" is not a hexadecimal word"_s;
                return std::nullopt;
            }
            keptFlags.insert(u"raw"_s, raw);
            for (const QString &flag : flags) {
                if (!throttled.contains(flag))
                    continue;
                if (!throttled.value(flag).isBool()) {
                    *problem = u"the metric \"throttled.%1\" is not true or false"_s.arg(flag);
                    return std::nullopt;
                }
                keptFlags.insert(flag, throttled.value(flag));
            }
            kept.insert(u"throttled"_s, keptFlags);
        } else {
            *problem = u"the metric \"throttled\" is neither the flags nor \"unavailable\""_s;
            return std::nullopt;
        }
    }
    return kept;
}

QString printable(const QString &text, qsizetype maximumLength)
{
    return Printable::oneLine(text, maximumLength);
}

} // namespace NodeReport

// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "ledidentifier.h"

#include "agentlogging.h"

#include <QDir>
#include <QFile>

using namespace Qt::Literals::StringLiterals;

LedIdentifier::LedIdentifier(QString rootDirectory, QObject *parent)
    : QObject(parent)
    , m_root(std::move(rootDirectory))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &LedIdentifier::stop);
}

LedIdentifier::~LedIdentifier()
{
    if (isActive())
        stop();
}

bool LedIdentifier::write(const QString &file, const QByteArray &value, QString *error) const
{
    QFile target(QDir(m_led).filePath(file));
    if (!target.open(QIODevice::WriteOnly) || target.write(value) != value.size()) {
        *error = u"cannot write %1: %2"_s.arg(target.fileName(), target.errorString());
        return false;
    }
    return true;
}

bool LedIdentifier::start(std::chrono::milliseconds duration, QString *error)
{
    if (isActive()) {
        m_timer.start(duration); // asked again: blink longer
        return true;
    }
    m_led.clear();
    for (const QString &name : {u"ACT"_s, u"led0"_s}) {
        const QString candidate = QDir(m_root).filePath(u"sys/class/leds/"_s + name);
        if (QFile::exists(QDir(candidate).filePath(u"trigger"_s))) {
            m_led = candidate;
            break;
        }
    }
    if (m_led.isEmpty()) {
        *error = u"this node has no activity LED (no sys/class/leds/ACT or led0)"_s;
        return false;
    }
    QFile trigger(QDir(m_led).filePath(u"trigger"_s));
    if (!trigger.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(trigger.fileName(), trigger.errorString());
        return false;
    }
    // "none rc-feedback [mmc0] timer": the active trigger is the one in brackets.
    const QByteArray triggers = trigger.readAll().trimmed();
    const qsizetype open = triggers.indexOf('[');
    const qsizetype close = triggers.indexOf(']', open);
    m_previousTrigger = open >= 0 && close > open ? triggers.mid(open + 1, close - open - 1) : triggers;
    if (!write(u"trigger"_s, "timer", error) || !write(u"delay_on"_s, "100", error)
        || !write(u"delay_off"_s, "100", error)) {
        QString ignored;
        write(u"trigger"_s, m_previousTrigger, &ignored);
        return false;
    }
    qCInfo(lcAgent).noquote() << "identify: blinking" << m_led << "for" << duration.count() << "ms";
    m_timer.start(duration);
    return true;
}

void LedIdentifier::stop()
{
    m_timer.stop();
    if (m_led.isEmpty())
        return;
    QString error;
    if (!write(u"trigger"_s, m_previousTrigger, &error))
        qCWarning(lcAgent).noquote() << error;
    m_led.clear();
    Q_EMIT finished();
}

// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QTimer>
#include <chrono>

/**
 * "Which Pi is this?": blinks the activity LED (/sys/class/leds/ACT, or led0 on older
 * kernels) for a while, then gives the LED back to the trigger it had.
 */
class LedIdentifier : public QObject
{
    Q_OBJECT

public:
    explicit LedIdentifier(QString rootDirectory = QStringLiteral("/"), QObject *parent = nullptr);
    ~LedIdentifier() override;

    bool start(std::chrono::milliseconds duration, QString *error);
    /// Ends the blinking now and restores the trigger.
    void stop();
    bool isActive() const { return m_timer.isActive(); }

Q_SIGNALS:
    void finished();

private:
    bool write(const QString &file, const QByteArray &value, QString *error) const;

    QString m_root;
    QString m_led; ///< The LED's sysfs folder while blinking.
    QByteArray m_previousTrigger;
    QTimer m_timer;
};

//! Device error codes in plain words. Webex lists a device's open issues as lowercase RoomOS
//! diagnostics names (`errorCodes: ["sipprofileregistration"]`); this table says what the
//! common ones mean and what to do. Codes it does not know are shown as Webex wrote them.

/// `(code, what it means)`, codes lowercase as Webex sends them.
const MEANINGS: &[(&str, &str)] = &[
    (
        "sipprofileregistration",
        "cannot register for calls (SIP registration failed)",
    ),
    ("defaultcallprotocolregistered", "not registered for calls"),
    ("softwareoutofdate", "software out of date: update it"),
    ("softwareupgrade", "a software upgrade failed"),
    ("temperaturecheck", "running too hot: check its ventilation"),
    ("fanstatus", "a fan has failed"),
    ("missingdisplay", "no screen connected"),
    ("monitordelay", "the screen adds too much delay"),
    ("camerasdetected", "a camera is missing"),
    ("camerastatus", "a camera is not working"),
    ("camerapairing", "a camera is not paired"),
    ("camerasoftwareversion", "a camera runs the wrong software"),
    ("microphonesconnected", "no microphone connected"),
    (
        "microphoneoverloaded",
        "a microphone is overloaded (too loud)",
    ),
    (
        "audiointernalspeakerdisabled",
        "the built-in loudspeaker is off",
    ),
    (
        "touchpanelconnection",
        "the touch controller is not connected",
    ),
    ("webexconnectivity", "cannot reach Webex"),
    ("sparkconnectivity", "cannot reach Webex"),
    (
        "webexactivationrequired",
        "needs to be activated with Webex",
    ),
    ("networkquality", "poor network (packet loss or jitter)"),
    ("netlinkstatus", "the network link is down or unstable"),
    (
        "ethernetduplexmatches",
        "Ethernet duplex mismatch with the switch",
    ),
    (
        "netspeedautonegotiated",
        "network speed not negotiated automatically",
    ),
    ("ipv4assignment", "has no IPv4 address"),
    ("ntpstatus", "its clock is not synchronised (NTP)"),
    ("httpproxystatus", "the HTTP proxy does not work"),
    (
        "captiveportaldetected",
        "a captive portal blocks the network",
    ),
    (
        "tcpmediafallback",
        "media falls back to TCP (UDP blocked): calls suffer",
    ),
    (
        "turnbandwidth",
        "too little bandwidth to the media relay (TURN)",
    ),
    ("certificateexpiry", "a certificate expires soon"),
    (
        "tlsverifyrequiredcerts",
        "certificates for TLS verification are missing",
    ),
    (
        "validpasswords",
        "an account has no password (a security risk)",
    ),
    ("macrosprocessstatus", "macros have stopped running"),
    ("platformsanity", "a hardware or platform fault"),
    (
        "ultrasoundspeakeravailability",
        "no loudspeaker for ultrasound pairing",
    ),
    ("videoinputsignalquality", "poor signal on a video input"),
    (
        "selectedvideoinputsourceconnected",
        "nothing connected to the selected video input",
    ),
    (
        "speakertrackmicrophoneconnection",
        "the SpeakerTrack microphones are not connected",
    ),
];

/// What error code `code` means, in plain words; an unknown code as Webex wrote it.
pub(crate) fn meaning(code: &str) -> String {
    let lower = code.to_ascii_lowercase();
    MEANINGS
        .iter()
        .find(|(known, _)| *known == lower)
        .map(|(_, words)| (*words).to_owned())
        .unwrap_or_else(|| format!("error code {code}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_plain_words_and_unknown_ones_verbatim() {
        assert_eq!(
            meaning("sipprofileregistration"),
            "cannot register for calls (SIP registration failed)"
        );
        assert_eq!(
            meaning("TemperatureCheck"),
            "running too hot: check its ventilation"
        );
        assert_eq!(meaning("fluxcapacitor"), "error code fluxcapacitor");
        let mut codes: Vec<&str> = MEANINGS.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), MEANINGS.len(), "each code once");
        assert!(MEANINGS.iter().all(|(c, _)| {
            c.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        }));
    }
}

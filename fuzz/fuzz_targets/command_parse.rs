//! `Command::parse` on arbitrary text: it never panics, and whatever it accepts survives the
//! canonical round trip (`parse(canonical(c)) == c`, the contract card buttons rely on).
#![no_main]

use libfuzzer_sys::fuzz_target;
use roombot::command::Command;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(command) = Command::parse(&text) {
        let canonical = command.canonical();
        assert_eq!(
            Command::parse(&canonical).as_ref(),
            Ok(&command),
            "{text:?} → {canonical:?}"
        );
    }
});

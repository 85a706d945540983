//! Long device lists page with a More button whose command is `devices … page <n>`, so the card
//! stays under Webex's size limit and a click runs the same path as typing.

use crate::support;

use roombot::command::{Command, DeviceFilters};
use roombot::sandbox::{OrgChoice, Role, SandboxOptions};
use support::{button_data, button_titles, card, spawn_bot_with};

#[test]
fn page_is_a_devices_filter_that_round_trips() {
    let cases = [
        ("devices page 2", Some(2)),
        ("devices offline page 3", Some(3)),
        ("devices page 1", None),
        ("devices", None),
    ];
    for (input, page) in cases {
        let Ok(Command::Devices { filters }) = Command::parse(input) else {
            panic!("input: {input}")
        };
        assert_eq!(filters.page, page, "input: {input}");
        let command = Command::Devices { filters };
        assert_eq!(
            Command::parse(&command.canonical()),
            Ok(command),
            "input: {input}"
        );
    }
    for bad in ["devices page 0", "devices page two", "devices page"] {
        let error = Command::parse(bad).expect_err(bad).to_string();
        assert!(error.contains("page"), "{bad}: {error}");
    }
    assert_eq!(DeviceFilters::default().page, None);
}

#[tokio::test]
async fn a_long_device_list_pages_with_a_more_button() {
    let options = SandboxOptions {
        org: OrgChoice::Generated {
            devices: 40,
            seed: 7,
        },
        ..SandboxOptions::default()
    };
    let bot = spawn_bot_with(options, &[]).await;
    let first = bot.say(Role::Operator, "devices").await;
    assert!(
        button_titles(&first).contains(&"More".to_owned()),
        "{:?}",
        button_titles(&first)
    );
    let more = button_data(&first, "More").unwrap();
    assert_eq!(more["cmd"], "devices page 2");
    let size = card(&first).unwrap().to_string().len();
    assert!(
        size <= roombot::cards::MAX_CARD_BYTES,
        "card is {size} bytes"
    );

    let second = bot.click(Role::Operator, &first, "More").await;
    let shown = |m: &roombot::sandbox::Message| card(m).unwrap().to_string();
    assert_ne!(shown(&first), shown(&second), "page 2 shows other devices");
    assert_eq!(
        button_data(&second, "More").unwrap()["cmd"],
        "devices page 3"
    );
    let third = bot.click(Role::Operator, &second, "More").await;
    assert!(
        !button_titles(&third).contains(&"More".to_owned()),
        "40 devices fit in 3 pages of 15"
    );
}

//! The foca releases, each a module that names its release `release`,
//! gives what changes between releases (the `Identity` and `Runtime`
//! traits, the RNG's `rand`), and expands
//! [`crate::foca::replica::replica!`], with foca's own LAN preset and its
//! postcard codec. Only the newest is here: 0.11.0, whose `TurnUndead`
//! flood a switch would re-create, was adapted and run, and never reached
//! (see `targets/README.md`).

/// foca 2.0.0, the newest release.
pub(super) mod v2 {
    use crate::foca::timing::MEMBERS;
    use foca as release;
    use rand_0_10::SeedableRng;

    type Foca = release::Foca<
        Id,
        release::PostcardCodec,
        rand_0_10::rngs::StdRng,
        release::NoCustomBroadcast,
    >;

    fn new_foca(id: Id, seed: u64) -> Foca {
        let members = std::num::NonZeroU32::new(MEMBERS as u32).expect("members");
        let config = release::Config::new_lan(members);
        let rng = rand_0_10::rngs::StdRng::seed_from_u64(seed);
        release::Foca::new(id, config, rng, release::PostcardCodec)
    }

    fn members(foca: &Foca) -> Vec<(Id, u16, bool)> {
        let alive = |m: &release::Member<Id>| m.state() == release::State::Alive;
        foca.iter_members()
            .map(|m| (*m.id(), m.incarnation(), alive(m)))
            .collect()
    }

    impl release::Identity for Id {
        type Addr = u8;
        fn renew(&self) -> Option<Self> {
            Some(self.renewed())
        }
        fn addr(&self) -> u8 {
            self.node
        }
        fn win_addr_conflict(&self, adversary: &Self) -> bool {
            self.generation > adversary.generation
        }
    }

    impl release::Runtime<Id> for Effects {
        fn notify(&mut self, _: release::Notification<'_, Id>) {}
        fn send_to(&mut self, to: Id, data: &[u8]) {
            self.sends.push((to, data.to_vec()));
        }
        fn submit_after(&mut self, event: release::Timer<Id>, after: Duration) {
            self.timers.push((event, after));
        }
    }

    crate::foca::replica::replica!();
}

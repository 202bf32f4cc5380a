"""Account views by portal and concern: account, data rights, invitations, onboarding, staff."""

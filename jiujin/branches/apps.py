from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "jiujin.branches"
    verbose_name = "离退休党支部"

    def ready(self) -> None:
        from jiujin.core.registry import (
            CadreGroup,
            CadrePanel,
            MenuEntry,
            cadre_group_register,
            cadre_panel_register,
            menu_register,
            party_members_register,
        )

        from .groups import branch_choices, branch_members_q, party_members_q
        from .views import party_panel

        menu_register(MenuEntry("党支部", "branches:list", order=45, group="活动与作用"))
        cadre_panel_register(CadrePanel("party-branch", party_panel, order=40))
        cadre_group_register(CadreGroup("branch", "党支部党员", branch_choices, branch_members_q))
        party_members_register(party_members_q)

// NiceGUI's select.js with another filter: an option matches when every typed word is found in its label, both
// folded like app/services/referentials.py's fold() (lower case, no accents, œ → oe, punctuation as spaces), so
// « Orléans » finds ORLEANS. ``synonyms`` lists other spellings of a typed word (« saint » → ST, as La Poste
// writes it). When nothing matches, ``no-match`` ({query} is the typed text) is shown in the list and said in a
// live region present from the start (a region inserted along with its text is not reliably announced).
const LIGATURES = { œ: "oe", æ: "ae", ß: "ss" };

export function fold(text) {
  return String(text ?? "")
    .toLowerCase()
    .replace(/[œæß]/g, (c) => LIGATURES[c])
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^0-9a-z]+/g, " ")
    .trim();
}

export default {
  props: ["options", "noMatch", "synonyms"],
  inheritAttrs: false,
  template: `
    <q-select
      ref="qRef"
      v-bind="$attrs"
      :options="filteredOptions"
      @filter="filterFn"
      @popup-show="addClass"
      @popup-hide="removeClass"
      @input-value="forwardInputValue"
      @update:model-value="forwardModelValue"
    >
      <template v-for="(_, slot) in $slots" v-slot:[slot]="slotProps">
        <slot :name="slot" v-bind="slotProps || {}" />
      </template>
      <template v-if="noMatch" v-slot:no-option="scope">
        <q-item v-if="scope.inputValue">
          <q-item-section class="text-italic">{{ noMatchText(scope.inputValue) }}</q-item-section>
        </q-item>
      </template>
    </q-select>
    <span class="sr-only" role="status">{{ status }}</span>
  `,
  emits: ["input-value", "update:model-value"],
  data() {
    return {
      initialOptions: this.options,
      filteredOptions: this.options,
      foldedLabels: [],
      modelValueChanged: false,
      status: "",
    };
  },
  methods: {
    forwardModelValue(...args) {
      this.modelValueChanged = true;
      this.$emit("update:model-value", ...args);
    },
    async forwardInputValue(value) {
      this.modelValueChanged = false;
      await this.$nextTick(); // wait for a possible "update:model-value" event indicating a selection
      if (!this.modelValueChanged) {
        this.$emit("input-value", value); // suppress selection-induced events which would re-trigger filtering
      }
    },
    filterFn(val, update) {
      update(() => {
        this.filteredOptions = val ? this.findFilteredOptions() : this.initialOptions;
        this.announce(val);
      });
    },
    typedText() {
      return this.$refs.qRef?.$el.querySelector("input[type=search]")?.value ?? "";
    },
    findFilteredOptions() {
      const words = fold(this.typedText())
        .split(" ")
        .filter((word) => word)
        .map((word) => [word, ...((this.synonyms || {})[word] || [])]);
      if (!words.length) return this.initialOptions;
      return this.initialOptions.filter((_, index) =>
        words.every((spellings) => spellings.some((spelling) => this.foldedLabels[index].includes(spelling))),
      );
    },
    noMatchText(query) {
      return String(this.noMatch).split("{query}").join(query);
    },
    announce(val) {
      const typed = this.typedText();
      this.status = val && typed && this.noMatch && !this.filteredOptions.length ? this.noMatchText(typed) : "";
    },
    addClass() {
      // prevent the page from scrolling when the select popup is closed
      document.documentElement.classList.add("nicegui-select-popup-open");
    },
    async removeClass() {
      await this.$nextTick();
      document.documentElement.classList.remove("nicegui-select-popup-open");
    },
  },
  unmounted() {
    this.removeClass();
  },
  watch: {
    options: {
      handler(newOptions) {
        this.initialOptions = newOptions;
        this.filteredOptions = newOptions;
        this.foldedLabels = (newOptions || []).map((option) => fold(option.label));
        this.status = "";
      },
      immediate: true,
    },
  },
};

package dev.stead.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where an operator's choice is read from, and what it is named after in messages. */
class OperatorSettingTest {
  private static final String PROPERTY = "stead.test.operator-setting";
  // No process sets this variable: the property or the default decides.
  private static final String ENVIRONMENT = "STEAD_TEST_OPERATOR_SETTING_UNSET";

  @AfterEach
  void clear() {
    System.clearProperty(PROPERTY);
  }

  @Test
  void nothingSetMeansAuto() {
    assertThat(OperatorSetting.read(PROPERTY, ENVIRONMENT))
        .isEqualTo(new OperatorSetting("auto", "default"));
  }

  @Test
  void aPropertyIsNamedAsTheOperatorWroteIt() {
    System.setProperty(PROPERTY, "nio");
    assertThat(OperatorSetting.read(PROPERTY, ENVIRONMENT))
        .isEqualTo(new OperatorSetting("nio", "-D" + PROPERTY));
  }

  @Test
  void aBlankPropertyCountsAsUnset() {
    System.setProperty(PROPERTY, " ");
    assertThat(OperatorSetting.read(PROPERTY, ENVIRONMENT).value()).isEqualTo("auto");
  }

  @Test
  void theVariableIsReadWhenThePropertyIsUnset() {
    // PATH is set in every process that runs the tests.
    assertThat(OperatorSetting.read(PROPERTY, "PATH"))
        .isEqualTo(new OperatorSetting(System.getenv("PATH"), "PATH"));
  }
}
